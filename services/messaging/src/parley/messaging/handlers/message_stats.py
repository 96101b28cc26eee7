"""The dashboard's message counts: a projection of messaging's own events into hourly buckets
per number (sent, delivered, read, failed and inbound, and failed sends by error code), and
the query `messaging.GetMessageStats` that sums a period of them.

Unlike the watchdog's health buckets (a signal, in KV), these are a ledger: the runtime's
ProjectionRunner applies each stored event once, with its checkpoint in the same transaction,
and `parley replay projections` rebuilds them from the stream. Each event counts in the clock
hour (UTC) of its own `at`, so a rebuild puts it in the same bucket.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.messages import Event
from parley.contracts.messaging.events import (
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
    MessageRead,
    MessageSent,
)
from parley.contracts.messaging.stats import (
    ChannelCounts,
    FailureCount,
    GetMessageStats,
    HourCounts,
    MessageCounts,
    MessageStats,
)
from parley.contracts.streams import MESSAGING
from parley.messaging.adapters import message_stats
from parley.messaging.adapters.message_stats import Bucket, FailureBucket
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=MESSAGING.name,
    durable="messaging-stats-read-model",
    filter_subjects=("messaging.evt.>",),
    max_deliver=10,
    fetch_batch=512,
)
Counted = InboundMessageReceived | MessageSent | MessageDelivered | MessageRead | MessageFailed
_COUNTED: dict[type[Event], str] = {
    MessageSent: "sent",
    MessageDelivered: "delivered",
    MessageRead: "read",
    MessageFailed: "failed",
    InboundMessageReceived: "inbound",
}


def hour_of(at: datetime) -> datetime:
    """The start of the UTC clock hour `at` falls in (a naive time is taken as UTC)."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


class MessageStatsReadModel:
    name = "message_stats"
    handles = frozenset(cls.wire_name for cls in _COUNTED)

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await message_stats.reset(conn, schema)

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        await self.apply_batch(conn, schema, [event])

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        counts: defaultdict[Bucket, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
        failures: defaultdict[FailureBucket, int] = defaultdict(int)
        for event in events:
            message = event.message
            if not isinstance(message, Counted):
                continue
            column = _COUNTED[type(message)]
            bucket = (event.envelope.workspace_id, hour_of(message.at), message.channel_id)
            counts[bucket][column] += 1
            if isinstance(message, MessageFailed):
                failures[(*bucket, message.code)] += 1
        await message_stats.add(conn, schema, counts, failures)


class MessageStatsQueries:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def answer(self, workspace_id: str, query: GetMessageStats) -> MessageStats:
        since = hour_of(query.since)
        until = since + timedelta(hours=query.hours)
        period = await message_stats.read(
            self._engine, self._schema, workspace_id, since, until, query.top_failures
        )
        hours = tuple(HourCounts.model_validate(row) for row in period.hours)
        return MessageStats(
            since=since,
            until=until,
            totals=MessageCounts(
                **{name: sum(getattr(h, name) for h in hours) for name in message_stats.COUNTS}
            ),
            hours=hours,
            channels=tuple(ChannelCounts.model_validate(row) for row in period.channels),
            failures=tuple(FailureCount(code=code, count=n) for code, n in period.failures),
        )
