"""Messaging tiers (platform-facts §A3): the names channels report and the cap each means.

A tier caps the unique users a business portfolio may reach outside customer service windows in
a moving 24 h. Shared because messaging enforces the cap and the flow engine forecasts it for a
campaign's dry run; both must read one table.
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


def tier_cap(tier: str) -> int | None:
    """The 24 h unique-recipient cap; unknown or unset tiers get the entry tier's cap."""
    return TIER_CAPS.get(tier.upper(), TIER_CAPS[DEFAULT_TIER])
