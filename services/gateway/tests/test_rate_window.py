"""The per-client rate limit: a burst, then an even pace, and memory bounded by active keys."""

from __future__ import annotations

import pytest

from parley.gateway.domain.rate_window import RateWindow


def test_a_burst_then_an_even_pace() -> None:
    window = RateWindow(60, 60.0)  # one a second, bursts of ten
    assert [window.take("a", 0.0) for _ in range(10)] == [0.0] * 10
    wait = window.take("a", 0.0)
    assert wait == pytest.approx(1.0)
    assert window.take("a", 1.0) == 0.0
    assert window.take("a", 1.0) > 0
    assert window.take("b", 1.0) == 0.0  # another key has its own allowance


def test_expired_keys_are_forgotten() -> None:
    window = RateWindow(600, 60.0, prune_every=10)
    for n in range(9):
        window.take(f"client-{n}", 0.0)
    window.take("late", 1000.0)  # the tenth call prunes everything expired by then
    assert list(window._tat) == ["late"]


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="per_period"):
        RateWindow(0, 60.0)
