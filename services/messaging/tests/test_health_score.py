"""The number health score: penalties, levels, the sliding window and its bookkeeping."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.messaging.domain.health import (
    WINDOW_HOURS,
    HealthInputs,
    HourCounts,
    add_signal,
    level_for,
    score,
)

NOW = 480_000  # an arbitrary unix hour


def _one_hour(**counts: int) -> HealthInputs:
    return HealthInputs(hours=(HourCounts(NOW, **counts),), now_hour=NOW)


def test_a_clean_number_scores_100_and_is_healthy_with_no_reasons() -> None:
    health = score(
        HealthInputs(
            hours=(HourCounts(NOW, sent=200, delivered=195, replies=30, business_initiated=40),),
            now_hour=NOW,
            quality="green",
        )
    )
    assert (health.score, health.level, health.reasons) == (100, "healthy", ())
    assert (health.rate_factor, health.window_hours) == (1.0, WINDOW_HOURS)


def test_too_few_attempts_cost_nothing_however_bad_the_rate() -> None:
    assert score(_one_hour(sent=9, failed=10)).score == 100


def test_a_high_failure_rate_costs_points_and_names_the_figure() -> None:
    health = score(_one_hour(sent=160, failed=40, replies=20))
    assert [r.code for r in health.reasons] == ["delivery_failures"]
    reason = health.reasons[0]
    assert 0 < reason.penalty <= 40
    assert "20% of 200 messages failed" in reason.detail
    assert health.score == 100 - reason.penalty
    assert health.level == "watch"


def test_failures_are_capped_at_40_points() -> None:
    health = score(_one_hour(sent=20, failed=80, replies=10))
    assert [(r.code, r.penalty) for r in health.reasons] == [("delivery_failures", 40)]
    assert (health.score, health.level) == (60, "watch")


def test_a_single_spam_signal_alone_slows_the_number() -> None:
    health = score(_one_hour(spam_signals=1))
    assert health.level == "slowed"
    assert health.rate_factor == 0.5
    assert health.reasons[0].code == "spam_signals"


def test_more_spam_signals_cost_more_up_to_a_cap() -> None:
    penalties = [score(_one_hour(spam_signals=n)).reasons[0].penalty for n in (1, 2, 3, 10)]
    assert penalties == sorted(penalties)
    assert penalties[-1] == 60


def test_spam_with_other_trouble_pauses_campaigns_but_lets_replies_through() -> None:
    health = score(
        HealthInputs(
            hours=(HourCounts(NOW, sent=100, failed=30, spam_signals=2, replies=5),),
            now_hour=NOW,
            quality="RED",
        )
    )
    assert health.level == "campaigns_paused"
    assert health.rate_factor == 0.25
    assert health.score == 0
    assert [r.penalty for r in health.reasons] == sorted(
        (r.penalty for r in health.reasons), reverse=True
    )


def test_hours_outside_the_window_are_ignored() -> None:
    bad = {"sent": 10, "failed": 90, "spam_signals": 3}
    hours = (
        HourCounts(NOW - WINDOW_HOURS, **bad),  # just too old
        HourCounts(NOW + 1, **bad),  # in the future
        HourCounts(NOW - WINDOW_HOURS + 1, sent=100, replies=10),  # oldest hour still inside
    )
    assert score(HealthInputs(hours=hours, now_hour=NOW)).score == 100


def test_opt_outs_cost_points_past_one_percent() -> None:
    assert score(_one_hour(sent=100, opt_outs=1, replies=10)).reasons == ()
    health = score(_one_hour(sent=100, opt_outs=5, replies=10))
    assert [(r.code, r.penalty) for r in health.reasons] == [("opt_outs", 25)]


def test_messages_nobody_replies_to_cost_points() -> None:
    assert score(_one_hour(sent=49)).reasons == ()  # too few to judge
    assert score(_one_hour(sent=100, replies=1)).reasons[0].penalty == 10
    assert score(_one_hour(sent=1000, replies=1)).reasons[0].penalty == 15
    assert score(_one_hour(sent=100, replies=2)).reasons == ()


@pytest.mark.parametrize(
    ("quality", "code", "penalty"),
    [("RED", "quality_red", 30), ("red", "quality_red", 30), ("Yellow", "quality_yellow", 10)],
)
def test_quality_rating_costs_points(quality: str, code: str, penalty: int) -> None:
    health = score(HealthInputs(hours=(), now_hour=NOW, quality=quality))
    assert [(r.code, r.penalty) for r in health.reasons] == [(code, penalty)]
    assert health.score == 100 - penalty


@pytest.mark.parametrize("quality", ["GREEN", "UNKNOWN", "NA", "na", "something new"])
def test_other_quality_ratings_cost_nothing(quality: str) -> None:
    assert score(HealthInputs(hours=(), now_hour=NOW, quality=quality)).score == 100


@pytest.mark.parametrize(
    ("reached", "penalty"), [(199, 0), (200, 5), (237, 5), (238, 10), (400, 10)]
)
def test_tier_usage_thresholds(reached: int, penalty: int) -> None:
    health = score(HealthInputs(hours=(HourCounts(NOW, business_initiated=reached),), now_hour=NOW))
    assert [r.penalty for r in health.reasons if r.code == "tier_usage"] == (
        [penalty] if penalty else []
    )


def test_an_unlimited_tier_is_never_penalised() -> None:
    hours = (HourCounts(NOW, business_initiated=10_000_000),)
    assert score(HealthInputs(hours=hours, now_hour=NOW, tier_limit=None)).score == 100


def test_a_tier_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="tier_limit"):
        HealthInputs(hours=(), now_hour=NOW, tier_limit=0)


def test_add_signal_accumulates_merges_and_drops_old_hours() -> None:
    hours = add_signal((), NOW - 30, sent=5)
    hours = add_signal(hours, NOW - 2, sent=3, failed=1)
    hours = add_signal(hours, NOW - 2, sent=2)
    assert [h.hour for h in hours] == [NOW - 2]  # NOW - 30 is more than a window before
    hours = add_signal(hours, NOW, opt_outs=1)
    assert hours == (
        HourCounts(NOW - 2, sent=5, failed=1),
        HourCounts(NOW, opt_outs=1),
    )
    later = add_signal(hours, NOW - 2 + WINDOW_HOURS, replies=1)
    assert [h.hour for h in later] == [NOW, NOW - 2 + WINDOW_HOURS]


def test_add_signal_rejects_unknown_names_and_negative_increments() -> None:
    with pytest.raises(ValueError, match="unknown"):
        add_signal((), NOW, sends=1)
    with pytest.raises(ValueError, match="negative"):
        add_signal((), NOW, sent=-1)


def test_plus_sums_every_counter_and_keeps_the_left_hour() -> None:
    a = HourCounts(1, 1, 2, 3, 4, 5, 6, 7, 8)
    b = HourCounts(9, 10, 20, 30, 40, 50, 60, 70, 80)
    assert a.plus(b) == HourCounts(1, 11, 22, 33, 44, 55, 66, 77, 88)


@pytest.mark.parametrize(
    ("points", "level"),
    [
        (100, "healthy"),
        (80, "healthy"),
        (79, "watch"),
        (60, "watch"),
        (59, "slowed"),
        (40, "slowed"),
        (39, "campaigns_paused"),
        (0, "campaigns_paused"),
    ],
)
def test_level_thresholds(points: int, level: str) -> None:
    assert level_for(points) == level


_counts = st.integers(min_value=0, max_value=500)


@given(
    sent=_counts,
    failed=_counts,
    more=st.integers(min_value=1, max_value=500),
    spam=st.integers(min_value=0, max_value=3),
    opt_outs=st.integers(min_value=0, max_value=30),
    replies=_counts,
    quality=st.sampled_from(["GREEN", "YELLOW", "RED", "UNKNOWN"]),
)
def test_more_failures_never_raise_the_score(
    sent: int, failed: int, more: int, spam: int, opt_outs: int, replies: int, quality: str
) -> None:
    def health(failures: int) -> int:
        bucket = HourCounts(
            NOW, sent=sent, failed=failures, spam_signals=spam, opt_outs=opt_outs, replies=replies
        )
        return score(HealthInputs(hours=(bucket,), now_hour=NOW, quality=quality)).score

    assert health(failed + more) <= health(failed)
