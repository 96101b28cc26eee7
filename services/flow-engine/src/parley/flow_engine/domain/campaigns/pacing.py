"""How fast a campaign sends, and the token bucket that holds it to that pace.

Messaging already keeps every send on a number under the number's limit. A campaign paces itself
lower (90% of the number's messages per second, or the definition's own cap if lower), so the
bots' replies on the same number always find room, and a burst never reaches Meta's limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

NUMBER_SHARE = 0.9
TICK_SECONDS = 0.05
# A bucket saves up at most this long's worth of tokens: enough that ticks running late (slow
# database round trips on a busy host) lose no pace, too little for a burst that would crowd the
# number (messaging's own pacing smooths what is left of it).
SAVED_SECONDS = 0.1


def campaign_rate(number_per_second: float, max_per_second: float = 0) -> float:
    share = number_per_second * NUMBER_SHARE
    rate = min(share, max_per_second) if max_per_second > 0 else share
    return round(max(rate, 0.01), 3)


def expected_seconds(recipients: int, rate: float) -> float:
    return round(recipients / rate, 1) if rate > 0 else 0.0


@dataclass
class TokenBucket:
    """`rate` tokens a second, at most `capacity` saved up. `now` is monotonic seconds."""

    rate: float
    capacity: float
    tokens: float = 1.0  # the first send goes at once
    last: float | None = None

    @classmethod
    def for_rate(cls, rate: float, tick: float = TICK_SECONDS) -> TokenBucket:
        return cls(rate=rate, capacity=max(2.0, math.ceil(rate * max(tick * 2, SAVED_SECONDS))))

    def take(self, now: float, wanted: int) -> int:
        """Up to `wanted` whole tokens, as many as have accrued."""
        if self.last is not None:
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        granted = min(wanted, int(self.tokens))
        self.tokens -= granted
        return granted

    def give_back(self, count: int) -> None:
        """Tokens taken for sends that found nobody left to send to."""
        self.tokens = min(self.capacity, self.tokens + count)

    def wait_for_next(self) -> float:
        """Seconds until one whole token is there."""
        return max(0.0, (1.0 - self.tokens) / self.rate)
