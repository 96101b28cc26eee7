"""A request rate limit per key (client address, API key): GCRA, one number per key.

`take(key, now)` admits a request and returns 0, or returns how long to wait. A key may burst a
sixth of its per-minute allowance (ten seconds' worth) at once, then is paced evenly. Keys whose
state has expired are forgotten, so memory stays bounded by the keys active in the last period.
The clock is an argument: this module never reads it.
"""

from __future__ import annotations


class RateWindow:
    def __init__(self, per_period: int, period: float, *, prune_every: int = 1024) -> None:
        if per_period < 1:
            raise ValueError("per_period must be at least 1")
        self.interval = period / per_period
        # GCRA admits tolerance/interval + 1 at once: a burst of exactly `burst`.
        burst = max(1, per_period // 6)
        self.tolerance = self.interval * (burst - 1)
        self._tat: dict[str, float] = {}  # theoretical arrival time per key
        self._calls = 0
        self._prune_every = prune_every

    def take(self, key: str, now: float) -> float:
        self._calls += 1
        if self._calls % self._prune_every == 0:
            self._prune(now)
        tat = max(self._tat.get(key, now), now)
        earliest = tat - self.tolerance
        if now < earliest:
            return earliest - now
        self._tat[key] = tat + self.interval
        return 0.0

    def _prune(self, now: float) -> None:
        self._tat = {key: tat for key, tat in self._tat.items() if tat > now}
