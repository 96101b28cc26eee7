"""Messaging tiers and the warm-up ramp (platform-facts §A3). Pure.

A tier caps the unique users a business portfolio may reach outside customer service windows in
a moving 24 h. Meta has no error code for reaching it, so we count and stop before it.
"""

from __future__ import annotations

TIER_CAPS: dict[str, int | None] = {
    "TIER_50": 50,
    "TIER_250": 250,
    "TIER_1K": 1_000,  # the superseded per-number ladder, still seen on old accounts
    "TIER_2K": 2_000,
    "TIER_10K": 10_000,
    "TIER_100K": 100_000,
    "TIER_UNLIMITED": None,
}
DEFAULT_TIER = "TIER_250"  # where new portfolios start
MIN_RATE = 1
MAX_RATE = 1_000

# A new number starts slow and doubles its pace each day until it reaches its configured rate:
# a sudden flood from an unknown number is what gets it reported and flagged.
WARMUP_FIRST_DAY_RATE = 10


def tier_cap(tier: str) -> int | None:
    """The 24 h unique-recipient cap; unknown or unset tiers get the entry tier's cap."""
    return TIER_CAPS.get(tier.upper(), TIER_CAPS[DEFAULT_TIER])


def warmup_rate(configured: int, days_since_connected: float) -> int:
    """Messages per second allowed on a warming-up number `days_since_connected` days old."""
    day = max(0, int(days_since_connected))
    return max(MIN_RATE, min(configured, WARMUP_FIRST_DAY_RATE << min(day, 20)))
