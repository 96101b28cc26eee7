"""Applying delivery statuses in any order: sent < delivered < read; failed is final.

Meta delivers webhooks concurrently, at least once and out of order (a `read` can come before
its `delivered`, and `delivered` is skipped when both happen at once), so the current status is
the highest ranked one seen, not the last one received.
"""

from __future__ import annotations

RANK = {"sent": 1, "delivered": 2, "played": 3, "read": 3, "failed": 4}


def advance(current: str | None, incoming: str) -> str | None:
    """The new status if `incoming` moves the message forward, else None (stale or repeated)."""
    if incoming not in RANK:
        return None
    if current is None or RANK[incoming] > RANK.get(current, 0):
        return incoming
    return None
