"""Durable timers on JetStream message scheduling.

A timer is a message on `timer.sched.<context>.<ws>.<id>` carrying the envelope to deliver and a
`Nats-Schedule: @at <time>` header. At that time the server publishes the envelope onto
`timer.fire.<context>.<ws>.<id>`, where the owning service's durable consumer picks it up. The
schedule lives in the TIMERS stream, so it survives restarts of every process and of NATS itself;
nothing in our services keeps a timer in memory.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nats.js import JetStreamContext

from parley.contracts.envelope import Envelope
from parley.contracts.streams import TIMERS, timer_fire_subject, timer_schedule_subject
from parley.contracts.subjects import token


def _rfc3339(moment: datetime) -> str:
    """Whole seconds, as `@at` takes them, rounded up: a timer may fire late, never early."""
    if moment.tzinfo is None:
        raise ValueError("timer times must be timezone-aware")
    utc = moment.astimezone(UTC)
    if utc.microsecond:
        utc = utc.replace(microsecond=0) + timedelta(seconds=1)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


async def schedule(
    js: JetStreamContext,
    *,
    context: str,
    timer_id: str,
    fire_at: datetime,
    envelope: Envelope,
) -> None:
    """Deliver `envelope` at `fire_at` (rounded up to the second). Re-scheduling the same id
    replaces it.

    The schedule subject holds one message per timer id: publishing again for the same id (a
    redelivered decision, or a moved deadline) replaces the previous schedule instead of adding a
    second firing.
    """
    workspace_id = envelope.workspace_id
    token("timer_id", timer_id)
    await js.publish(
        timer_schedule_subject(context, workspace_id, timer_id),
        envelope.to_bytes(),
        headers={
            "Nats-Schedule": f"@at {_rfc3339(fire_at)}",
            "Nats-Schedule-Target": timer_fire_subject(context, workspace_id, timer_id),
            "Nats-Rollup": "sub",
            "Parley-Type": envelope.type,
            "Parley-Workspace": workspace_id,
        },
    )


async def cancel(js: JetStreamContext, *, context: str, workspace_id: str, timer_id: str) -> None:
    """Remove a pending timer; cancelling one that already fired or never existed is a no-op."""
    await js.purge_stream(
        TIMERS.name, subject=timer_schedule_subject(context, workspace_id, timer_id)
    )


def fire_filter(context: str) -> str:
    """The consumer filter for every timer of a context."""
    return f"timer.fire.{token('context', context)}.>"
