"""Projections: read models in PostgreSQL, fed by a durable consumer, exactly-once in effect.

Each projection stores the last stream sequence it applied in `<schema>.projection_checkpoints`,
in the same transaction as its writes, and skips any event at or below it. So a message
redelivered after a crash between the commit and the ack is a no-op: at-least-once delivery gives
an exactly-once effect — provided events arrive in stream order, since an event that arrives after
a later one was applied is at or below the checkpoint and would be skipped, that is, lost. Hence:

- one applier at a time: only the runner holding the projection's lease (`projection_lease`)
  consumes, the others stand by, and the leader writes through the lease's own session;
- each consumer a leader opens starts from the lower of the checkpoint and the durable's
  acknowledgement floor: messages a previous leader fetched and never acknowledged come back
  first, in order, rather than after newer ones (and those it did apply are skipped);
- a failing event is retried in place, with the spec's backoff, never nak'd (a nak would let the
  messages behind it overtake it); after `max_deliver` attempts it is dead-lettered and the
  checkpoint moves past it, as with any consumer.

`rebuild` wipes the read model and replays the stream from the start: on the leader while its
service runs (live consumption carries on from there), or here, under the lease, when none runs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

import structlog
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import ConsumerInfo
from nats.js.errors import NotFoundError
from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.registry import Registry
from parley.contracts.registry import registry as default_registry
from parley.runtime.consumers import Consumer, ConsumerSpec, dead_letter
from parley.runtime.eventstore.commits import types_of
from parley.runtime.eventstore.store import StoredEvent, decode_stored
from parley.runtime.metrics import ConsumerMetrics
from parley.runtime.projection_checkpoints import (
    CheckpointRow,
    checkpoint,
    create_checkpoints,
)
from parley.runtime.projection_lease import Lease, lease_key, wait_event, wait_for_lease

# `checkpoint` and `create_checkpoints` stay importable from here, where callers found them.
__all__ = [
    "BatchProjection",
    "NotLeading",
    "Projection",
    "ProjectionRunner",
    "checkpoint",
    "create_checkpoints",
]

log = structlog.get_logger(__name__)

_POLL = 0.1  # how often a rebuild looks at the consumer's backlog
_PASS_OVER_EVERY = 1.0  # seconds between checkpoint moves over unhandled messages


class Projection(Protocol):
    """A read model. Its tables come from the service's Alembic migrations, never from here.

    A projection may also declare `handles`, the wire names it writes anything for: a stored
    message whose `Parley-Type` header names none of them is passed over undecoded (a busy
    stream such as CRM carries a hundred thousand contact events past the imports read model
    during one import, and decoding each would make it lag by minutes)."""

    name: str  # the checkpoint key; unique within the schema

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        """Delete everything the projection wrote, before a rebuild."""

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        """Write the effect of one event; runs inside the checkpoint's transaction."""


@runtime_checkable
class BatchProjection(Projection, Protocol):
    """A read model that can write a batch of events with fewer statements than one by one.
    `apply_batch(events)` must leave the tables exactly as `apply` on each event in turn."""

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None: ...


AfterCommit = Callable[[StoredEvent], Awaitable[None]]


class NotLeading(Exception):
    """This runner does not hold the projection's lease: another replica does, or it was lost."""


class _Abandoned(Exception):
    """The message in hand is dropped unacknowledged: the lease is gone, or the runner is stopping
    or rebuilding. Whoever consumes next reopens the durable where acknowledgements end."""


@dataclass
class _Segment:
    """One consumer pulling for a term, from the position it was opened at."""

    consumer: Consumer
    task: asyncio.Task[None]
    interrupt: asyncio.Event  # cuts short a retry waiting in the handler

    async def stop(self) -> None:
        self.interrupt.set()
        self.consumer.stop()
        try:
            await self.task
        except Exception as err:  # noqa: BLE001 - it is being replaced; say why it had failed
            log.warning("projection consumer had failed", error=repr(err))


@dataclass
class _Term:
    """One stretch of leadership: the lease, and the segment currently pulling."""

    lease: Lease
    segment: _Segment | None = None
    applied: int = 0  # events applied (not skipped) during the term; a rebuild counts from here
    passed_over_at: float = 0.0  # when the checkpoint last moved over unhandled messages
    over: asyncio.Event = field(default_factory=asyncio.Event)
    wake: asyncio.Event = field(default_factory=asyncio.Event)  # the supervisor has news
    switch: asyncio.Lock = field(default_factory=asyncio.Lock)  # one segment change at a time
    rebuilding: asyncio.Lock = field(default_factory=asyncio.Lock)  # one rebuild at a time

    def end(self) -> None:
        self.over.set()
        self.wake.set()
        if self.segment is not None:
            self.segment.interrupt.set()


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
    lease_retry: float = 1.0  # how often a standby tries to take the lease
    lease_check: float = 1.0  # how often the leader makes sure its lease session is alive
    _stopping: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _running: bool = field(default=False, init=False)
    _term: _Term | None = field(default=None, init=False)

    @property
    def name(self) -> str:
        return self.projection.name

    @property
    def _row(self) -> CheckpointRow:
        return CheckpointRow(self.schema, self.name, self.consumer.stream)

    @property
    def leading(self) -> bool:
        return self._term is not None and not self._term.over.is_set()

    @property
    def lease_pid(self) -> int | None:
        """The PostgreSQL backend holding this runner's lease (see pg_locks), while it leads."""
        return self._term.lease.pid if self.leading and self._term is not None else None

    async def setup(self) -> None:
        async with self.engine.begin() as conn:
            await self._row.ensure(conn)

    async def run(self) -> None:
        """Stand by until this runner holds the lease, then keep the read model up to date, until
        `stop()`. A term that fails (lease lost, NATS or database trouble) ends in standing by
        again, so another replica, or this one, takes over."""
        self._running = True
        key = lease_key(self.schema, self.name)
        try:
            while not self._stopping.is_set():
                lease = await wait_for_lease(
                    self.engine, key, retry=self.lease_retry, stopping=self._stopping
                )
                if lease is None:
                    break
                try:
                    await self._lead(_Term(lease))
                except Exception:
                    log.exception("projection term failed, standing by", projection=self.name)
                    await wait_event(self._stopping, self.lease_retry)
        finally:
            self._running = False
            self._stopping.clear()  # the runner may run again (a rebuild after a stop, a test)

    def stop(self) -> None:
        self._stopping.set()
        if self._term is not None:
            self._term.end()

    async def rebuild(self, *, lease_timeout: float = 10.0) -> int:
        """Wipe the read model and replay the whole stream into it; returns the events applied.

        On the leader (its service runs), the live consumer pauses for the reset, then consumes
        from the start of the stream and goes on live; this returns once it has caught up. A
        runner standing by refuses with NotLeading: its leader must do it. A runner that is not
        running (the CLI, a test) takes the lease itself, waiting up to `lease_timeout`, so a
        replica starting meanwhile stands by until the replay is done."""
        if self._term is not None:
            return await self._replay(self._term)
        if self._running:
            raise NotLeading(f"{self.name}: another replica leads this projection")
        lease = await wait_for_lease(
            self.engine,
            lease_key(self.schema, self.name),
            retry=min(self.lease_retry, 0.5),
            stopping=asyncio.Event(),
            timeout=lease_timeout,
        )
        if lease is None:
            raise NotLeading(
                f"{self.name}: its lease is held elsewhere (a replica that just started?); "
                "try again, and it will be rebuilt there"
            )
        term = self._term = _Term(lease)
        try:
            async with lease.transaction() as conn:
                await self._row.ensure(conn)
            return await self._replay(term)
        finally:
            self._term = None
            await self._close(term)

    # -- leadership ------------------------------------------------------------------------

    async def _lead(self, term: _Term) -> None:
        self._term = term
        log.info("leading projection", projection=self.name, lease_pid=term.lease.pid)
        watch = asyncio.create_task(self._watch(term))
        try:
            async with term.switch:
                if term.segment is None:
                    term.segment = await self._open(term, await self._resume_at(term, new=True))
            while not (self._stopping.is_set() or term.over.is_set()):
                await term.wake.wait()
                term.wake.clear()
                if self._stopping.is_set() or term.over.is_set():
                    break
                async with term.switch:
                    ended = term.segment
                    if ended is None or not ended.task.done():
                        continue  # a rebuild replaced the segment: nothing ended on its own
                log.warning("projection consumer ended, reopening it", projection=self.name)
                if await wait_event(term.wake, self.lease_retry):
                    continue  # stopping or lost: the loop's head says which
                async with term.switch:
                    if term.segment is ended:
                        term.segment = await self._open(term, await self._resume_at(term))
        finally:
            self._term = None  # at once: `leading` is false before anything below awaits
            watch.cancel()
            await self._close(term)
            log.info("stopped leading projection", projection=self.name)

    async def _close(self, term: _Term) -> None:
        term.end()
        async with term.switch:
            if term.segment is not None:
                await term.segment.stop()
        await term.lease.release()

    async def _watch(self, term: _Term) -> None:
        """An idle leader learns here that its session died (a busy one, from a failed write)."""
        while not await wait_event(term.over, self.lease_check):
            if not await term.lease.alive():
                log.warning("projection lease lost", projection=self.name)
                term.end()

    async def _resume_at(self, term: _Term, *, new: bool = False) -> int:
        """Where the next consumer starts: after the lower of the checkpoint and the durable's
        acknowledgement floor. Anything in between was applied and is skipped; starting lower is
        always safe, starting higher could skip what a predecessor fetched but never applied."""
        async with term.lease.transaction() as conn:
            await self._row.ensure(conn)
            done = await self._row.read(conn)
        first = self.consumer.deliver_from_sequence or 1
        try:
            info = await self.nc.jetstream().consumer_info(
                self.consumer.stream, self.consumer.durable
            )
        except NotFoundError:
            return max(first, done + 1)
        if new:
            info = await self._until_nobody_pulls(info)
        acked = info.ack_floor.stream_seq if info.ack_floor and info.ack_floor.stream_seq else 0
        return max(first, min(acked, done) + 1)

    async def _until_nobody_pulls(self, info: ConsumerInfo) -> ConsumerInfo:
        """A predecessor whose session died while its process lives pulls until its next lease
        check; give it that long to notice before the durable is reopened under its feet."""
        deadline = time.monotonic() + 3 * self.lease_check + 1
        while info.num_waiting and time.monotonic() < deadline:
            await asyncio.sleep(_POLL)
            info = await self.nc.jetstream().consumer_info(
                self.consumer.stream, self.consumer.durable
            )
        if info.num_waiting:
            log.warning("durable still pulled by someone else", durable=self.consumer.durable)
        return info

    async def _open(self, term: _Term, start: int) -> _Segment:
        # Recreated rather than reused: a durable keeps what it delivered to a previous holder
        # pending until its ack wait runs out, and would meanwhile hand out newer messages first.
        js = self.nc.jetstream()
        with suppress(NotFoundError):
            await js.delete_consumer(self.consumer.stream, self.consumer.durable)
        spec = replace(self.consumer, deliver_from_sequence=start)
        await js.add_consumer(spec.stream, spec.config())
        interrupt = asyncio.Event()

        async def handle(msg: Msg) -> None:
            await self._handle(term, interrupt, msg)

        async def handle_batch(messages: list[Msg]) -> None:
            await self._handle_batch(term, messages)

        consumer = Consumer(self.nc, spec, handle, metrics=self.metrics, batch_handler=handle_batch)
        task = asyncio.create_task(consumer.run(), name=f"projection {self.name}")
        task.add_done_callback(lambda _: term.wake.set())
        log.info("projection consuming", projection=self.name, from_sequence=start)
        return _Segment(consumer, task, interrupt)

    # -- rebuild ---------------------------------------------------------------------------

    async def _replay(self, term: _Term) -> int:
        async with term.rebuilding:
            async with term.switch:
                if term.segment is not None:
                    await term.segment.stop()
                    term.segment = None
                async with term.lease.transaction() as conn:
                    await self.projection.reset(conn, self.schema)
                    await self._row.reset(conn)
                before = term.applied
                term.segment = await self._open(term, 1)
            log.info("rebuilding projection", projection=self.name)
            await self._caught_up(term)
            return term.applied - before

    async def _caught_up(self, term: _Term) -> None:
        js = self.nc.jetstream()
        while True:
            if term.over.is_set():
                raise NotLeading(f"{self.name}: leadership ended during the rebuild")
            segment = term.segment
            if segment is not None and segment.task.done():
                error = None if segment.task.cancelled() else segment.task.exception()
                raise RuntimeError(
                    f"{self.name}: its consumer stopped during the rebuild "
                    f"({error or 'no error'}); the replay resumes when it is reopened"
                )
            info = await js.consumer_info(self.consumer.stream, self.consumer.durable)
            if info.num_pending == 0 and info.num_ack_pending == 0:
                return
            await wait_event(term.over, _POLL)

    # -- applying --------------------------------------------------------------------------

    async def _handle(self, term: _Term, interrupt: asyncio.Event, msg: Msg) -> None:
        sequence = msg.metadata.sequence.stream
        attempt = 0
        while True:
            attempt += 1
            try:
                events = self._decode(msg)
                if not events:
                    await self._passed_over(term, sequence)
                    return
                applied = await self._apply(term.lease, events)
                break
            except Exception as err:
                if not await term.lease.alive():
                    term.end()
                    raise _Abandoned(f"{self.name}: lease lost at sequence {sequence}") from err
                trace.get_current_span().record_exception(err)
                if attempt >= self.consumer.max_deliver:
                    await self._give_up(term, msg, err)
                    return
                delay = self.consumer.delay_after(attempt)
                log.warning(
                    "projection failed, will retry in place",
                    projection=self.name,
                    seq=sequence,
                    attempt=attempt,
                    retry_in=delay,
                    error=repr(err),
                )
                self._count("retry")
                await msg.in_progress()
                if await wait_event(interrupt, delay):
                    raise _Abandoned(f"{self.name}: interrupted at sequence {sequence}") from err
        if applied:
            term.applied += len(events)
            if self.after_commit is not None:
                for event in events:
                    await self.after_commit(event)

    async def _handle_batch(self, term: _Term, messages: list[Msg]) -> None:
        """A whole fetched batch in one transaction: one checkpoint lock and one update instead
        of one per event. If anything fails, the consumer redoes the batch event by event."""
        events = [event for msg in messages for event in self._decode(msg)]
        if not events:
            await self._passed_over(term, max(m.metadata.sequence.stream for m in messages))
            return
        async with term.lease.transaction() as conn:
            done = await self._row.read(conn, lock=True)
            fresh = [event for event in events if event.sequence > done]
            for sequence in sorted({e.sequence for e in events if e.sequence <= done}):
                log.info("already applied, skipping", projection=self.name, seq=sequence)
            await self._write(conn, fresh)
            if fresh:
                await self._row.record(conn, fresh[-1].sequence)
        term.applied += len(fresh)
        if self.after_commit is not None:
            for event in fresh:
                await self.after_commit(event)

    async def _passed_over(self, term: _Term, sequence: int) -> None:
        """Messages with nothing for this read model still move its checkpoint (where the next
        leader starts), at most once a second: a long run of them, then a restart, would
        otherwise be read again from the last event it did handle."""
        now = time.monotonic()
        if now - term.passed_over_at < _PASS_OVER_EVERY:
            return
        term.passed_over_at = now
        async with term.lease.transaction() as conn:
            if sequence > await self._row.read(conn, lock=True):
                await self._row.record(conn, sequence)

    def _decode(self, msg: Msg) -> list[StoredEvent]:
        """The events of one message: one, or every event of a commit (one decision); none
        when its headers say it holds nothing the projection handles."""
        handles: frozenset[str] | None = getattr(self.projection, "handles", None)
        if handles is not None:
            named = types_of(msg.headers)
            if named is not None and handles.isdisjoint(named):
                return []
        sequence = msg.metadata.sequence.stream
        return decode_stored(sequence, msg.subject, msg.data, registry=self.registry)

    async def _apply(self, lease: Lease, events: list[StoredEvent]) -> bool:
        """The events of one message, in one transaction with the checkpoint."""
        sequence = events[0].sequence
        async with lease.transaction() as conn:
            done = await self._row.read(conn, lock=True)
            if sequence <= done:
                log.info("already applied, skipping", projection=self.name, seq=sequence)
                return False
            await self._write(conn, events)
            await self._row.record(conn, sequence)
        return True

    async def _write(self, conn: AsyncConnection, events: list[StoredEvent]) -> None:
        if isinstance(self.projection, BatchProjection):
            if events:
                await self.projection.apply_batch(conn, self.schema, events)
            return
        for event in events:
            await self.projection.apply(conn, self.schema, event)

    async def _give_up(self, term: _Term, msg: Msg, err: Exception) -> None:
        sequence = msg.metadata.sequence.stream
        await dead_letter(self.nc, self.consumer, msg, err)
        async with term.lease.transaction() as conn:
            await self._row.record(conn, sequence)  # never applied late, behind newer events
        log.error(
            "projection gave up on an event, dead-lettered",
            projection=self.name,
            seq=sequence,
            error=repr(err),
        )
        self._count("dead_letter")

    def _count(self, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.handled.labels(self.consumer.durable, outcome).inc()
