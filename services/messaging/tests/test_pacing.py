"""The GCRA behind every shared limit, tiers and the warm-up ramp: pure, no I/O."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parley.messaging.domain.pacing import Gcra
from parley.messaging.domain.tiers import tier_cap, warmup_rate


def test_slots_are_spaced_by_the_rate() -> None:
    reservation = Gcra(rate=10).reserve(None, now=100.0, count=3)
    assert [round(s, 9) for s in reservation.slots] == [100.0, 100.1, 100.2]
    assert abs(reservation.tat - 100.3) < 1e-9


def test_a_later_reservation_continues_where_the_last_one_ended() -> None:
    limit = Gcra(rate=10)
    first = limit.reserve(None, 100.0, 5)
    second = limit.reserve(first.tat, 100.0, 2)
    assert second.slots[0] >= first.slots[-1] + 0.1 - 1e-9


def test_a_quiet_period_is_not_saved_up_without_a_burst() -> None:
    limit = Gcra(rate=10)
    old = limit.reserve(None, 0.0, 1)
    assert limit.reserve(old.tat, 50.0, 2).slots == (50.0, 50.1)


def test_a_burst_lets_that_many_go_at_once_then_paces() -> None:
    pair = Gcra(rate=1 / 6, burst=5)
    reservation = pair.reserve(None, 0.0, 7)
    assert reservation.slots[:5] == (0.0,) * 5
    assert reservation.slots[5:] == (6.0, 12.0)
    assert pair.wait(reservation.tat, 0.0) == 18.0


@given(
    rate=st.integers(min_value=1, max_value=1000),
    burst=st.integers(min_value=1, max_value=50),
    runs=st.lists(
        st.tuples(st.floats(min_value=0, max_value=5), st.integers(min_value=1, max_value=60)),
        min_size=1,
        max_size=20,
    ),
)
def test_no_window_ever_holds_more_than_the_rate_allows(
    rate: int, burst: int, runs: list[tuple[float, int]]
) -> None:
    """Whatever the interleaving of reservations (as from several replicas), any interval of
    length T holds at most burst + rate * T slots."""
    limit = Gcra(rate, burst)
    tat: float | None = None
    now = 0.0
    slots: list[float] = []
    for gap, count in runs:
        now += gap
        reservation = limit.reserve(tat, now, count)
        tat = reservation.tat
        slots.extend(reservation.slots)
    slots.sort()
    for i, start in enumerate(slots):
        j = i
        while j < len(slots) and slots[j] < start + 1.0:
            j += 1
        assert j - i <= burst + rate + 1e-6


def test_tiers_and_warmup() -> None:
    assert tier_cap("TIER_2K") == 2000
    assert tier_cap("tier_unlimited") is None
    assert tier_cap("TIER_NOT_SET") == 250
    assert [warmup_rate(80, day) for day in (0, 1, 2, 3, 30)] == [10, 20, 40, 80, 80]
    assert warmup_rate(1000, 0.5) == 10
