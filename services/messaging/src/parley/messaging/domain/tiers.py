"""Messaging tiers and the warm-up ramp (platform-facts §A3). Pure.

The tier table itself is shared (`parley.contracts.messaging.tiers`). Meta has no error code for
reaching a tier's cap, so we count and stop before it.
"""

from __future__ import annotations

from parley.contracts.messaging.tiers import DEFAULT_TIER, TIER_CAPS, tier_cap

__all__ = ["DEFAULT_TIER", "TIER_CAPS", "tier_cap", "warmup_rate"]
MIN_RATE = 1
MAX_RATE = 1_000

# A new number starts slow and doubles its pace each day until it reaches its configured rate:
# a sudden flood from an unknown number is what gets it reported and flagged.
WARMUP_FIRST_DAY_RATE = 10


def warmup_rate(configured: int, days_since_connected: float) -> int:
    """Messages per second allowed on a warming-up number `days_since_connected` days old."""
    day = max(0, int(days_since_connected))
    return max(MIN_RATE, min(configured, WARMUP_FIRST_DAY_RATE << min(day, 20)))
