"""One applier per projection: the leader lease, against real NATS and PostgreSQL.

Several runners of one projection share one durable consumer, as replicas of a service do. Only
the lease holder applies; a standby takes over when the leader stops, dies or loses its session,
and no event is lost or applied twice across the hand-over, even while events keep coming.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import nats
import pytest
from nats.aio.client import Client as NatsClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent
from parley.runtime.projection_lease import Lease, LeaseLost
from parley.runtime.projections import ProjectionRunner, checkpoint, create_checkpoints
from parley.runtime.testing.plugin import eventually

from .conftest import FreshStream
from .deposits_projection import DepositsProjection, create_table
from .test_projections import projector, publish_deposits, rows


def spec_for(stream: FreshStream) -> ConsumerSpec:
    return ConsumerSpec(stream.name, "deposits", (f"{stream.context}.evt.>",), backoff=(0.3,))


class Replicas:
    """Runners of the deposits projection, each on a NATS connection of its own, recording which
    sequences each one applied."""

    def __init__(self, nats_url: str, engine: AsyncEngine, schema: str, stream: FreshStream):
        self.nats_url = nats_url
        self.engine = engine
        self.schema = schema
        self.stream = stream
        self.applied: dict[str, list[int]] = {}
        self.runners: dict[str, ProjectionRunner] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.clients: list[NatsClient] = []

    async def start(self, name: str) -> ProjectionRunner:
        nc = await nats.connect(self.nats_url)
        self.clients.append(nc)
        self.applied[name] = []

        async def record(event: StoredEvent) -> None:
            self.applied[name].append(event.sequence)

        runner = ProjectionRunner(
            nc,
            self.engine,
            self.schema,
            DepositsProjection(),
            spec_for(self.stream),
            after_commit=record,
            lease_retry=0.1,
            lease_check=0.2,
        )
        self.runners[name] = runner
        self.tasks[name] = asyncio.create_task(runner.run())
        return runner

    async def stop(self, name: str) -> None:
        self.runners[name].stop()
        await asyncio.wait_for(self.tasks.pop(name), 10)

    async def close(self) -> None:
        for name in list(self.tasks):
            await self.stop(name)
        for nc in self.clients:
            await nc.close()

    def leaders(self) -> list[str]:
        return [name for name, runner in self.runners.items() if runner.leading]


@asynccontextmanager
async def replicas(
    nats_url: str, engine: AsyncEngine, schema: str, stream: FreshStream
) -> AsyncIterator[Replicas]:
    async with engine.begin() as conn:
        await create_table(conn, schema)
        await create_checkpoints(conn, schema)  # so `checkpoint` reads 0 before anyone leads
    group = Replicas(nats_url, engine, schema, stream)
    try:
        yield group
    finally:
        await group.close()


def caught_up(engine: AsyncEngine, schema: str, last: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await checkpoint(engine, schema, "deposits") == last

    return check


async def test_only_the_lease_holder_applies_and_a_standby_takes_over_under_a_burst(
    nc: NatsClient,
    nats_url: str,
    engine: AsyncEngine,
    fresh_schema: str,
    fresh_stream: FreshStream,
) -> None:
    async with replicas(nats_url, engine, fresh_schema, fresh_stream) as group:
        a = await group.start("a")
        await eventually(lambda: a.leading)
        b = await group.start("b")

        first = await publish_deposits(nc, fresh_stream, 150)
        await eventually(caught_up(engine, fresh_schema, first[-1]), timeout=20)
        assert sorted(group.applied["a"]) == first
        assert group.applied["b"] == []
        assert group.leaders() == ["a"]

        # The leader stops while events keep coming: the standby takes over, nothing is lost.
        burst = asyncio.create_task(publish_deposits(nc, fresh_stream, 150))
        await group.stop("a")
        await eventually(lambda: b.leading)
        second = await burst
        await eventually(caught_up(engine, fresh_schema, second[-1]), timeout=20)

    stored = await rows(engine, fresh_schema)
    assert sorted(seq for seq, _ in stored) == first + second  # each event once, none twice
    assert group.applied["b"], "the standby applied the events after the hand-over"
    assert not set(group.applied["a"]) & set(group.applied["b"])


async def test_a_killed_leader_is_replaced_and_what_it_fetched_is_not_overtaken(
    nc: NatsClient,
    nats_url: str,
    database_url: str,
    engine: AsyncEngine,
    fresh_schema: str,
    fresh_stream: FreshStream,
) -> None:
    first = await publish_deposits(nc, fresh_stream, 40)
    crash_at = first[11]
    async with replicas(nats_url, engine, fresh_schema, fresh_stream) as group:
        # A leader in its own process fetches a batch, commits it and is SIGKILLed (at
        # `crash_at`, inside that batch) before acknowledging it: the batch stays unacked.
        leader = projector(nats_url, database_url, fresh_schema, fresh_stream, crash_at)

        async def leading() -> bool:
            return await checkpoint(engine, fresh_schema, "deposits") > 0

        await eventually(leading, timeout=30)
        standby = await group.start("standby")
        assert await asyncio.to_thread(leader.wait, 30) == -9
        # The leader committed its batches up to and including the one holding `crash_at`.
        done_at_crash = await checkpoint(engine, fresh_schema, "deposits")
        assert done_at_crash >= crash_at
        # New events arrive while the standby takes over; they must not jump the queue.
        second = await publish_deposits(nc, fresh_stream, 40)
        await eventually(lambda: standby.leading)
        await eventually(caught_up(engine, fresh_schema, second[-1]), timeout=20)

    stored = await rows(engine, fresh_schema)
    assert sorted(seq for seq, _ in stored) == first + second
    assert sorted(group.applied["standby"]) == [s for s in first + second if s > done_at_crash]


async def test_a_leader_that_loses_its_session_stops_and_the_lease_moves(
    nc: NatsClient,
    nats_url: str,
    engine: AsyncEngine,
    fresh_schema: str,
    fresh_stream: FreshStream,
) -> None:
    async with replicas(nats_url, engine, fresh_schema, fresh_stream) as group:
        a = await group.start("a")
        await eventually(lambda: a.leading)
        b = await group.start("b")
        first = await publish_deposits(nc, fresh_stream, 50)
        await eventually(caught_up(engine, fresh_schema, first[-1]), timeout=20)
        lost = a.lease_pid
        assert lost is not None

        burst = asyncio.create_task(publish_deposits(nc, fresh_stream, 100))
        async with engine.begin() as conn:  # the leader's session dies: so does its lock
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})

        def moved() -> bool:
            return len(group.leaders()) == 1 and lost not in {a.lease_pid, b.lease_pid}

        await eventually(moved)
        second = await burst
        await eventually(caught_up(engine, fresh_schema, second[-1]), timeout=20)

    stored = await rows(engine, fresh_schema)
    assert sorted(seq for seq, _ in stored) == first + second
    assert sorted(group.applied["a"] + group.applied["b"]) == first + second


async def test_the_lease_is_exclusive_and_ends_with_its_session(
    engine: AsyncEngine, unique: Callable[[str], str]
) -> None:
    key = unique("lease")
    held = await Lease.take(engine, key)
    assert held is not None
    assert await Lease.take(engine, key) is None
    await held.release()

    again = await Lease.take(engine, key)
    assert again is not None
    assert await again.alive()
    async with engine.begin() as conn:
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": again.pid})
    assert not await again.alive()
    # SQLAlchemy would quietly reconnect: a new session, without the lock. The lease refuses it.
    with pytest.raises(LeaseLost):
        async with again.transaction() as conn:
            await conn.execute(text("SELECT 1"))
    taken_over = await Lease.take(engine, key)
    assert taken_over is not None
    await again.release()
    await taken_over.release()
