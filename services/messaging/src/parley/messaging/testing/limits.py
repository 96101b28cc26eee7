"""The fake's own rate limits (platform-facts §A3), driven by an injectable clock.

A test that wants to see a limit lift passes its own clock instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]


@dataclass
class Throughput:
    """Messages per second per business number; over it Meta answers 130429.

    Meta does not say how it measures "80 messages per second". We model it as a token bucket
    holding one second of messages, refilled continuously: a burst of exactly `per_second` passes
    from idle and the next fails, and a sender that keeps the average pace is never refused for a
    few milliseconds of jitter (which no network could avoid).
    """

    per_second: int
    clock: Clock
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, phone_number_id: str) -> bool:
        now = self.clock()
        tokens, last = self._buckets.get(phone_number_id, (float(self.per_second), now))
        tokens = min(float(self.per_second), tokens + (now - last) * self.per_second)
        if tokens < 1.0:
            self._buckets[phone_number_id] = (tokens, now)
            return False
        self._buckets[phone_number_id] = (tokens - 1.0, now)
        return True


@dataclass
class PairBucket:
    """Token bucket per (business number, recipient); empty means 131056.

    Meta: 1 message every 6 s to the same user, bursts up to 45 that borrow from future quota.
    """

    burst: int
    interval: float
    clock: Clock
    _buckets: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)

    def take(self, phone_number_id: str, recipient: str) -> bool:
        now = self.clock()
        key = (phone_number_id, recipient)
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) / self.interval)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True


@dataclass
class ServiceWindow:
    """When each user last wrote to us; free-form sends outside 24 h get 131047."""

    seconds: float
    clock: Clock
    _last_inbound: dict[str, float] = field(default_factory=dict)

    def open(self, wa_id: str) -> None:
        self._last_inbound[wa_id] = self.clock()

    def is_open(self, wa_id: str) -> bool:
        last = self._last_inbound.get(wa_id)
        return last is not None and self.clock() - last < self.seconds
