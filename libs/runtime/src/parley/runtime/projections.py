"""Projections: read models in PostgreSQL, fed by a durable consumer, exactly-once in effect.

Each projection stores the last stream sequence it applied in `<schema>.projection_checkpoints`,
in the same transaction as its writes. A message redelivered after a crash between the commit and
the ack finds its sequence already applied and is skipped, so at-least-once delivery gives an
exactly-once effect. `rebuild` wipes the read model and replays the stream from the start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

import structlog
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.errors import NotFoundError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.envelope import Envelope
from parley.contracts.registry import Registry
from parley.contracts.registry import registry as default_registry
from parley.runtime.consumers import Consumer, ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent
from parley.runtime.metrics import ConsumerMetrics

log = structlog.get_logger(__name__)


class Projection(Protocol):
    """A read model. Its tables come from the service's Alembic migrations, never from here."""

    name: str  # the checkpoint key; unique within the schema

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        """Delete everything the projection wrote, before a rebuild."""

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        """Write the effect of one event; runs inside the checkpoint's transaction."""


AfterCommit = Callable[[StoredEvent], Awaitable[None]]


async def create_checkpoints(conn: AsyncConnection, schema: str) -> None:
    # Two concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalog
    # ("type already exists"): several projections of one service, or several replicas, start
    # together. A transaction-scoped advisory lock makes them take turns.
    await conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"{schema}.projection_checkpoints"},
    )
    await conn.execute(
        text(
            f'CREATE TABLE IF NOT EXISTS "{schema}".projection_checkpoints ('
            " name text PRIMARY KEY,"
            " stream text NOT NULL,"
            " last_sequence bigint NOT NULL DEFAULT 0,"
            " updated_at timestamptz NOT NULL DEFAULT now())"
        )
    )


async def checkpoint(engine: AsyncEngine, schema: str, name: str) -> int:
    async with engine.connect() as conn:
        value = await conn.scalar(
            text(f'SELECT last_sequence FROM "{schema}".projection_checkpoints WHERE name = :n'),
            {"n": name},
        )
    return int(value or 0)


@dataclass
class ProjectionRunner:
    nc: NatsClient
    engine: AsyncEngine
    schema: str
    projection: Projection
    consumer: ConsumerSpec
    registry: Registry = default_registry
    after_commit: AfterCommit | None = None  # observability hook, runs before the ack
    metrics: ConsumerMetrics | None = None
    _current: Consumer | None = field(default=None, init=False)

    async def setup(self) -> None:
        async with self.engine.begin() as conn:
            await create_checkpoints(conn, self.schema)
            await conn.execute(
                text(
                    f'INSERT INTO "{self.schema}".projection_checkpoints (name, stream)'
                    " VALUES (:n, :s) ON CONFLICT (name) DO NOTHING"
                ),
                {"n": self.projection.name, "s": self.consumer.stream},
            )

    async def run(self) -> None:
        await self.setup()
        self._current = Consumer(self.nc, self.consumer, self._handle, metrics=self.metrics)
        await self._current.run()

    def stop(self) -> None:
        if self._current is not None:
            self._current.stop()

    async def _handle(self, msg: Msg) -> None:
        sequence = msg.metadata.sequence.stream
        envelope = Envelope.from_bytes(msg.data)
        event = StoredEvent(sequence, msg.subject, envelope, self.registry.decode(envelope))
        async with self.engine.begin() as conn:
            done = await conn.scalar(
                text(
                    f'SELECT last_sequence FROM "{self.schema}".projection_checkpoints'
                    " WHERE name = :n FOR UPDATE"
                ),
                {"n": self.projection.name},
            )
            if done is not None and sequence <= done:
                log.info("already applied, skipping", projection=self.projection.name, seq=sequence)
                return
            await self.projection.apply(conn, self.schema, event)
            await conn.execute(
                text(
                    f'UPDATE "{self.schema}".projection_checkpoints'
                    " SET last_sequence = :s, updated_at = now() WHERE name = :n"
                ),
                {"s": sequence, "n": self.projection.name},
            )
        if self.after_commit is not None:
            await self.after_commit(event)

    async def rebuild(self, *, idle_timeout: float = 1.0) -> int:
        """Wipe the read model and replay the whole stream into it; returns events applied.

        Run it while the live runner is stopped: the durable consumer is recreated from the
        start of the stream, then this returns once nothing is pending.
        """
        js = self.nc.jetstream()
        try:
            await js.delete_consumer(self.consumer.stream, self.consumer.durable)
        except NotFoundError:
            log.info("no consumer to delete before rebuild", durable=self.consumer.durable)
        async with self.engine.begin() as conn:
            await create_checkpoints(conn, self.schema)
            await self.projection.reset(conn, self.schema)
            await conn.execute(
                text(f'DELETE FROM "{self.schema}".projection_checkpoints WHERE name = :n'),
                {"n": self.projection.name},
            )
        applied = 0
        original = self.after_commit

        async def count(event: StoredEvent) -> None:
            nonlocal applied
            applied += 1
            if original is not None:
                await original(event)

        self.after_commit = count
        self.consumer = replace(self.consumer, deliver_from_sequence=None)
        task = asyncio.create_task(self.run())
        try:
            await self._wait_caught_up(idle_timeout)
        finally:
            self.stop()
            await task
            self.after_commit = original
        return applied

    async def _wait_caught_up(self, idle_timeout: float) -> None:
        js = self.nc.jetstream()
        while True:
            await asyncio.sleep(idle_timeout / 10)
            try:
                info = await js.consumer_info(self.consumer.stream, self.consumer.durable)
            except NotFoundError:
                continue  # the runner has not created it yet
            if info.num_pending == 0 and info.num_ack_pending == 0:
                return
