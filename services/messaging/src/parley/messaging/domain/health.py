"""A business number's health score (0-100), its reasons, and what to do about it.

Pure: callers pass the hourly signal buckets and the current hour; nothing here reads a clock.
Only hours with `now_hour - WINDOW_HOURS < hour <= now_hour` count. Each rule takes points off 100:

- delivery_failures: failed / (sent + failed), from 20 attempts up. 0 points up to 5%, rising
  linearly to 40 points at 30% or more.
- spam_signals: errors 131048 and 368. 45 points for the first, +10 for each further one, at most
  60: one is enough to slow the number, since Meta is already throttling or restricting it.
- opt_outs: opt_outs / sent, from 20 sent up. 0 points up to 1%, rising linearly to 25 at 5%.
- low_replies: replies / sent, from 50 sent up. Under 2% costs 10 points, under 0.5% costs 15.
- quality_yellow / quality_red: Meta's rating of the number; 10 and 30 points.
- tier_usage: business_initiated / tier_limit. From 80% 5 points, from 95% 10; never when the
  limit is unlimited.

score = max(0, 100 - total penalty). Level: >= 80 healthy, >= 60 watch, >= 40 slowed, else
campaigns_paused. Each rule only grows with its own bad signal, so more failures, spam, opt-outs
or usage never raise the score.

`blocks` is recorded but not scored: the Cloud API reports few blocks directly, and Meta's quality
rating is built from blocks and reports, so the quality rule already carries them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Literal

from parley.contracts.messaging.channels import HEALTHY_FROM

Level = Literal["healthy", "watch", "slowed", "campaigns_paused"]

WINDOW_HOURS = 24

WATCH_FROM = 60
SLOWED_FROM = 40

RATE_FACTORS: dict[Level, float] = {
    "healthy": 1.0,
    "watch": 1.0,
    "slowed": 0.5,
    # Never 0: replies to people who wrote in must still go out while campaigns are paused.
    "campaigns_paused": 0.25,
}

# Below these counts a rate says more about luck than about the number: 2 failures out of 5
# messages is 40% but proves nothing.
MIN_ATTEMPTS_FOR_FAILURES = 20
MIN_SENT_FOR_OPT_OUTS = 20
# Replies come slowly and many campaigns expect none, so silence needs a bigger sample.
MIN_SENT_FOR_REPLIES = 50

QUALITY_PENALTIES = {"YELLOW": 10, "RED": 30}


@dataclass(frozen=True)
class HourCounts:
    """What happened on one number during one clock hour (`hour` = unix time // 3600)."""

    hour: int
    sent: int = 0  # accepted by WhatsApp (MessageSent)
    delivered: int = 0
    failed: int = 0  # MessageFailed after acceptance or at send, any code
    spam_signals: int = 0  # errors 131048 (spam rate limit) and 368 (policy restriction)
    blocks: int = 0  # explicit user blocks only, as counted by the caller; not scored
    opt_outs: int = 0
    replies: int = 0  # inbound from contacts that got an outbound message in the window
    # Unique recipients reached outside a customer service window (messaging-limit usage); the
    # caller counts each recipient once, in the first hour it is reached within the window.
    business_initiated: int = 0

    def plus(self, other: HourCounts) -> HourCounts:
        """Field-wise sum; keeps `self.hour`."""
        return HourCounts(
            hour=self.hour,
            sent=self.sent + other.sent,
            delivered=self.delivered + other.delivered,
            failed=self.failed + other.failed,
            spam_signals=self.spam_signals + other.spam_signals,
            blocks=self.blocks + other.blocks,
            opt_outs=self.opt_outs + other.opt_outs,
            replies=self.replies + other.replies,
            business_initiated=self.business_initiated + other.business_initiated,
        )


COUNTERS = frozenset(f.name for f in fields(HourCounts)) - {"hour"}


@dataclass(frozen=True)
class HealthInputs:
    hours: tuple[HourCounts, ...]  # any order, any hours; only those inside the window count
    now_hour: int
    quality: str = "UNKNOWN"  # GREEN / YELLOW / RED / UNKNOWN / NA, any case
    tier_limit: int | None = 250  # unique business-initiated recipients per 24 h; None = unlimited

    def __post_init__(self) -> None:
        if self.tier_limit is not None and self.tier_limit < 1:
            raise ValueError(
                f"tier_limit must be at least 1, or None for unlimited, not {self.tier_limit}"
            )


@dataclass(frozen=True)
class Reason:
    code: str  # stable: delivery_failures, spam_signals, opt_outs, low_replies, quality_*, ...
    penalty: int  # points taken off 100
    detail: str  # a sentence with the figures


@dataclass(frozen=True)
class Health:
    score: int  # 0..100
    level: Level
    reasons: tuple[Reason, ...]  # largest penalty first; empty when nothing is wrong
    rate_factor: float  # multiply the number's messages/s by this
    window_hours: int


def add_signal(
    hours: tuple[HourCounts, ...], hour: int, **increments: int
) -> tuple[HourCounts, ...]:
    """Add `increments` to `hour`'s bucket and drop buckets older than the window before `hour`.

    Returns one bucket per hour, sorted by hour. Unknown names or negative increments raise
    ValueError.
    """
    unknown = sorted(set(increments) - COUNTERS)
    if unknown:
        raise ValueError(f"unknown health signal(s) {unknown}; known: {sorted(COUNTERS)}")
    negative = sorted(name for name, value in increments.items() if value < 0)
    if negative:
        raise ValueError(f"health signals only grow; negative increment for {negative}")
    buckets: dict[int, HourCounts] = {}
    for bucket in (*hours, HourCounts(hour, **increments)):
        if bucket.hour <= hour - WINDOW_HOURS:
            continue
        known = buckets.get(bucket.hour)
        buckets[bucket.hour] = bucket if known is None else known.plus(bucket)
    return tuple(buckets[h] for h in sorted(buckets))


def level_for(score: int) -> Level:
    if score >= HEALTHY_FROM:
        return "healthy"
    if score >= WATCH_FROM:
        return "watch"
    if score >= SLOWED_FROM:
        return "slowed"
    return "campaigns_paused"


def score(inputs: HealthInputs) -> Health:
    """Score the number from the signals inside the window ending at `inputs.now_hour`."""
    total = HourCounts(inputs.now_hour)
    for bucket in inputs.hours:
        if inputs.now_hour - WINDOW_HOURS < bucket.hour <= inputs.now_hour:
            total = total.plus(bucket)
    found = [
        reason
        for reason in (
            _failures(total),
            _spam(total),
            _opt_outs(total),
            _replies(total),
            _quality(inputs.quality),
            _tier_usage(total, inputs.tier_limit),
        )
        if reason is not None and reason.penalty > 0
    ]
    found.sort(key=lambda r: (-r.penalty, r.code))
    points = max(0, 100 - sum(r.penalty for r in found))
    level = level_for(points)
    return Health(points, level, tuple(found), RATE_FACTORS[level], WINDOW_HOURS)


def _ramp(rate: Fraction, start: Fraction, full: Fraction, points: int) -> int:
    """0 up to `start`, `points` from `full`, linear in between, rounded up so any rate past
    `start` costs at least a point (and shows up as a reason)."""
    if rate <= start:
        return 0
    if rate >= full:
        return points
    return math.ceil(points * (rate - start) / (full - start))


def _pct(rate: Fraction) -> str:
    text = f"{float(rate) * 100:.1f}"
    return text.removesuffix(".0")


def _failures(total: HourCounts) -> Reason | None:
    attempts = total.sent + total.failed
    if attempts < MIN_ATTEMPTS_FOR_FAILURES:
        return None
    rate = Fraction(total.failed, attempts)
    penalty = _ramp(rate, Fraction(5, 100), Fraction(30, 100), 40)
    detail = f"{_pct(rate)}% of {attempts} messages failed in the last {WINDOW_HOURS} h"
    return Reason("delivery_failures", penalty, detail)


def _spam(total: HourCounts) -> Reason | None:
    count = total.spam_signals
    if count < 1:
        return None
    penalty = min(60, 45 + 10 * (count - 1))
    detail = (
        f"{count} spam or policy signal{'s' if count != 1 else ''} from WhatsApp "
        f"(errors 131048, 368) in the last {WINDOW_HOURS} h"
    )
    return Reason("spam_signals", penalty, detail)


def _opt_outs(total: HourCounts) -> Reason | None:
    if total.sent < MIN_SENT_FOR_OPT_OUTS:
        return None
    rate = Fraction(total.opt_outs, total.sent)
    penalty = _ramp(rate, Fraction(1, 100), Fraction(5, 100), 25)
    detail = (
        f"{total.opt_outs} opt-outs for {total.sent} messages sent ({_pct(rate)}%) "
        f"in the last {WINDOW_HOURS} h"
    )
    return Reason("opt_outs", penalty, detail)


def _replies(total: HourCounts) -> Reason | None:
    if total.sent < MIN_SENT_FOR_REPLIES:
        return None
    rate = Fraction(total.replies, total.sent)
    if rate < Fraction(5, 1000):
        penalty = 15
    elif rate < Fraction(2, 100):
        penalty = 10
    else:
        return None
    detail = (
        f"only {_pct(rate)}% of {total.sent} messages got a reply in the last {WINDOW_HOURS} h; "
        "people are ignoring them"
    )
    return Reason("low_replies", penalty, detail)


def _quality(quality: str) -> Reason | None:
    rating = quality.strip().upper()
    penalty = QUALITY_PENALTIES.get(rating)
    if penalty is None:
        return None
    detail = f"WhatsApp rates the number's quality {rating}"
    return Reason(f"quality_{rating.lower()}", penalty, detail)


def _tier_usage(total: HourCounts, tier_limit: int | None) -> Reason | None:
    if tier_limit is None:
        return None
    usage = Fraction(total.business_initiated, tier_limit)
    if usage >= Fraction(95, 100):
        penalty = 10
    elif usage >= Fraction(80, 100):
        penalty = 5
    else:
        return None
    detail = (
        f"{total.business_initiated} of the {tier_limit} new people allowed per 24 h already "
        f"reached ({_pct(usage)}%); soon the number cannot start new conversations"
    )
    return Reason("tier_usage", penalty, detail)
