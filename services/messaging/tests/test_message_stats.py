"""The dashboard's message counts: messaging's own events projected into hourly buckets per
number (real NATS and PostgreSQL), exactly once, rebuildable, and summed by `message-stats`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import parley.messaging
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Event
from parley.contracts.messaging.events import (
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
    MessageRead,
    MessageSent,
)
from parley.contracts.messaging.stats import GetMessageStats, MessageStats
from parley.contracts.subjects import event_subject
from parley.messaging.handlers import message_stats
from parley.messaging.handlers.message_stats import MessageStatsQueries, MessageStatsReadModel
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.migrations import migrate
from parley.runtime.projections import ProjectionRunner, checkpoint
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

MIGRATIONS = Path(parley.messaging.__file__).parent / "migrations"
STATS = "parley.q.messaging.message-stats"
H0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # the first hour of the period asked about


Delivery = MessageSent | MessageDelivered | MessageRead


def status(kind: type[Delivery], token: str, channel: str, at: datetime) -> Delivery:
    return kind(command_id=token, contact_id=f"c-{token}", channel_id=channel, at=at)


def failed(token: str, channel: str, code: str, at: datetime) -> MessageFailed:
    return MessageFailed(
        command_id=token,
        contact_id=f"c-{token}",
        channel_id=channel,
        code=code,
        reason="refused",
        at=at,
    )


def inbound(n: int, channel: str, at: datetime) -> InboundMessageReceived:
    return InboundMessageReceived(
        message_id=f"wamid.{n}", channel_id=channel, contact_id=f"c-in{n}", text="hi", at=at
    )


def history() -> list[Event]:
    """Two numbers over two hours, plus one event on each side of the period."""
    m = timedelta(minutes=1)
    return [
        status(MessageSent, "t1", "main", H0 + 5 * m),
        status(MessageSent, "t2", "main", H0 + 6 * m),
        status(MessageSent, "t3", "main", H0 + 7 * m),
        status(MessageDelivered, "t1", "main", H0 + 8 * m),
        status(MessageDelivered, "t2", "main", H0 + 9 * m),
        status(MessageRead, "t1", "main", H0 + 59 * m),
        failed("t3", "main", "131047", H0 + 59 * m + timedelta(seconds=59)),
        inbound(1, "main", H0 + 30 * m),
        # the second hour, and a second number
        status(MessageSent, "t4", "second", H0 + 61 * m),
        failed("t4", "second", "131047", H0 + 62 * m),
        failed("t5", "", "OPTED_OUT", H0 + 63 * m),  # refused before any number was chosen
        failed("t6", "second", "131026", H0 + 64 * m),
        inbound(2, "second", H0 + 65 * m),
        inbound(3, "main", H0 + 66 * m),
        # outside the period of two hours from H0
        status(MessageSent, "before", "main", H0 - timedelta(seconds=1)),
        status(MessageSent, "after", "main", H0 + 120 * m),
    ]


async def publish(nc: NatsClient, workspace_id: str, events: list[Event]) -> list[int]:
    js = nc.jetstream()
    sequences = []
    for i, event in enumerate(events):
        envelope = Envelope.wrap(event, workspace_id=workspace_id)
        subject = event_subject("messaging", workspace_id, f"t{i}")
        ack = await js.publish(
            subject, envelope.to_bytes(), headers={"Nats-Msg-Id": f"{workspace_id}:{i}"}
        )
        sequences.append(ack.seq)
    return sequences


def summary(stats: MessageStats) -> dict[str, object]:
    def counts(c: object) -> tuple[int, ...]:
        return tuple(getattr(c, n) for n in ("sent", "delivered", "read", "failed", "inbound"))

    return {
        "totals": counts(stats.totals),
        "hours": [(h.at, counts(h)) for h in stats.hours],
        "channels": [(c.channel_id, counts(c)) for c in stats.channels],
        "failures": [(f.code, f.count) for f in stats.failures],
    }


EXPECTED = {
    "totals": (4, 2, 1, 4, 3),
    "hours": [
        (H0, (3, 2, 1, 1, 1)),
        (H0 + timedelta(hours=1), (1, 0, 0, 3, 2)),
    ],
    "channels": [
        ("", (0, 0, 0, 1, 0)),
        ("main", (3, 2, 1, 1, 2)),
        ("second", (1, 0, 0, 2, 1)),
    ],
    "failures": [("131047", 2), ("131026", 1), ("OPTED_OUT", 1)],
}


async def ask(nc: NatsClient, workspace_id: str, query: GetMessageStats) -> MessageStats:
    request = Envelope.wrap(query, workspace_id=workspace_id)
    reply = await nc.request(STATS, request.to_bytes(), timeout=5)
    return MessageStats.model_validate_json(reply.data)


async def test_the_service_counts_each_hour_and_number_exactly(
    messaging: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws, other = unique("ws-stats"), unique("ws-other")
    await publish(nc, ws, history())
    await publish(nc, other, history()[:3])  # another workspace's sends never count here
    # Asked with a time inside the first hour: the period starts at that hour.
    query = GetMessageStats(since=H0 + timedelta(minutes=42), hours=2)
    found: list[MessageStats] = []

    async def counted() -> bool:
        found[:] = [await ask(nc, ws, query)]
        return summary(found[0]) == EXPECTED

    await eventually(counted, timeout=20, interval=0.2)
    assert (found[0].since, found[0].until) == (H0, H0 + timedelta(hours=2))
    top = await ask(nc, ws, GetMessageStats(since=H0, hours=2, top_failures=1))
    assert [(f.code, f.count) for f in top.failures] == [("131047", 2)]
    nothing = await ask(nc, unique("ws-empty"), query)
    assert summary(nothing) == {"totals": (0,) * 5, "hours": [], "channels": [], "failures": []}
    assert summary(await ask(nc, other, query))["totals"] == (3, 0, 0, 0, 0)


async def test_redelivered_events_are_not_counted_twice_and_a_rebuild_gives_the_same(
    messaging: Service,
    nc: NatsClient,
    engine: AsyncEngine,
    fresh_schema: str,
    unique: Callable[[str], str],
) -> None:
    """The read model under its own runner, in a schema of its own, on this workspace's
    subjects: caught up, then handed every event again, then rebuilt from the stream."""
    ws = unique("ws-redeliver")
    await migrate(engine, MIGRATIONS, fresh_schema)
    sequences = await publish(nc, ws, history())
    spec = ConsumerSpec(
        stream=message_stats.CONSUMER.stream,
        durable=unique("stats-redelivery"),
        filter_subjects=(f"messaging.evt.{ws}.>",),
        max_deliver=3,
    )
    runner = ProjectionRunner(nc, engine, fresh_schema, MessageStatsReadModel(), spec)
    await runner.setup()
    reads = MessageStatsQueries(engine, fresh_schema)
    query = GetMessageStats(since=H0, hours=2)
    js = nc.jetstream()

    async def acked_up_to_the_last() -> bool:
        try:
            info = await js.consumer_info(spec.stream, spec.durable)
        except NotFoundError:
            return False
        return (info.ack_floor.stream_seq or 0) >= sequences[-1]

    live = asyncio.create_task(runner.run())
    try:
        await eventually(
            lambda: _checkpoint_is(engine, fresh_schema, sequences[-1]), timeout=20, interval=0.1
        )
        await eventually(acked_up_to_the_last, timeout=20, interval=0.1)
        assert summary(await reads.answer(ws, query)) == EXPECTED
    finally:
        runner.stop()
        await live

    # As after a crash between commit and ack: the durable hands out all of them again.
    with suppress(NotFoundError):
        await js.delete_consumer(spec.stream, spec.durable)
    await js.add_consumer(spec.stream, replace(spec, deliver_from_sequence=sequences[0]).config())
    info = await js.consumer_info(spec.stream, spec.durable)
    assert (info.ack_floor.stream_seq or 0) < sequences[0]
    live = asyncio.create_task(runner.run())
    try:
        await eventually(acked_up_to_the_last, timeout=20, interval=0.1)
        info = await js.consumer_info(spec.stream, spec.durable)
        assert info.delivered.stream_seq >= sequences[-1]  # every event was handed over again
        assert summary(await reads.answer(ws, query)) == EXPECTED  # and none counted twice
    finally:
        runner.stop()
        await live

    async with engine.begin() as conn:  # a bug corrupts the read model ...
        await conn.execute(text(f'UPDATE "{fresh_schema}".message_stats_hourly SET sent = 0'))
    applied = await runner.rebuild()  # ... and a rebuild from the stream repairs it
    assert applied == len(sequences)
    assert summary(await reads.answer(ws, query)) == EXPECTED
    assert await checkpoint(engine, fresh_schema, MessageStatsReadModel.name) == sequences[-1]
    await js.delete_consumer(spec.stream, spec.durable)


async def _checkpoint_is(engine: AsyncEngine, schema: str, sequence: int) -> bool:
    return await checkpoint(engine, schema, MessageStatsReadModel.name) == sequence
