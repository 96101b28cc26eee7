"""The meter's arithmetic: which billing period an event falls in, which warnings a count
crosses, and the ids that make counting and warning idempotent. Pure: no I/O.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from parley.contracts.billing.entitlements import Scope, current_period, period_key

THRESHOLDS: tuple[int, ...] = (80, 100)  # percent of a limit that raise a warning

# Names the warnings' event ids (uuid5), so a warning raised again has the same id.
_WARNINGS = uuid.UUID("6f1c3a52-3d8e-4c1b-9a57-5b0e2d7c9f41")


def default_anchor(at: datetime) -> datetime:
    """Without an account, periods are calendar months: the first of the month, 00:00 UTC."""
    moment = at.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def period_of(anchor: datetime | None, at: datetime) -> str:
    """The period key of the billing period holding `at` (the event's own time, never now, so
    a replay puts every event in the period it was first counted in)."""
    start, _ = current_period(anchor or default_anchor(at), at.astimezone(UTC))
    return period_key(start)


def crossed(previous: int, new: int, limit: int | None) -> tuple[int, ...]:
    """The thresholds (percent) that `previous -> new` reaches: below before, at or above
    after. None for an unlimited metric or a limit of 0 (nothing to warn about)."""
    if not limit:
        return ()
    return tuple(t for t in THRESHOLDS if previous * 100 < t * limit <= new * 100)


def counter_msg_id(event_id: str, subject: str, generation: int) -> str:
    """The increment's `Nats-Msg-Id`. `generation` counts the meter's resets: a purge does not
    clear the stream's duplicate window, so a replay within it needs ids of its own."""
    base = f"{event_id}:{subject}"
    return base if generation == 0 else f"{base}:{generation}"


def warning_key(
    scope: Scope, scope_id: str, metric: str, period: str, threshold: int, workspace_id: str
) -> str:
    """One warning as shown to one workspace; its `Nats-Msg-Id`."""
    return f"warn:{scope}:{scope_id}:{metric}:{period}:{threshold}:{workspace_id}"


def warning_event_id(key: str) -> uuid.UUID:
    return uuid.uuid5(_WARNINGS, key)
