"""Generic cell rate algorithm (GCRA): when may the next message go, given a rate and a burst.

The whole state of a limit is one number, the theoretical arrival time (`tat`) of the next
message, so every replica can share a limit through one compare-and-set key: whoever reserves
moves `tat` forward, and two reservations never get the same slot. Pure; time is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reservation:
    """Messages may go at `slots` (ascending, in seconds); `tat` is the limit's new state."""

    slots: tuple[float, ...]
    tat: float


@dataclass(frozen=True)
class Gcra:
    rate: float  # messages per second
    burst: int = 1  # messages that may go at once after a quiet period

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError("rate must be > 0")
        if self.burst < 1:
            raise ValueError("burst must be >= 1")

    @property
    def interval(self) -> float:
        return 1.0 / self.rate

    @property
    def tolerance(self) -> float:
        """How far ahead of the steady pace a burst may run."""
        return (self.burst - 1) * self.interval

    def reserve(self, tat: float | None, now: float, count: int = 1) -> Reservation:
        """Reserve `count` consecutive slots, each as early as the limit allows."""
        if count < 1:
            raise ValueError("count must be >= 1")
        state = now if tat is None else tat
        slots: list[float] = []
        for _ in range(count):
            slot = max(now, state - self.tolerance)
            slots.append(slot)
            state = max(state, slot) + self.interval
        return Reservation(tuple(slots), state)

    def wait(self, tat: float | None, now: float) -> float:
        """Seconds until one more message may go (0 when it may go now)."""
        if tat is None:
            return 0.0
        return max(0.0, tat - self.tolerance - now)
