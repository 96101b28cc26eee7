"""Projections into a real PostgreSQL, fed by a real JetStream consumer."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.envelope import Envelope
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent, envelope_headers
from parley.runtime.projections import ProjectionRunner, checkpoint
from parley.runtime.testing.plugin import eventually

from .conftest import FreshStream
from .deposits_projection import DepositsProjection, create_table
from .ledger import Deposited, LedgerSnapshot

REPO = Path(__file__).resolve().parents[3]


async def publish_deposits(nc: NatsClient, stream: FreshStream, count: int) -> list[int]:
    js = nc.jetstream()
    seqs = []
    for i in range(1, count + 1):
        envelope = Envelope.wrap(Deposited(amount=i), workspace_id="ws1")
        ack = await js.publish(f"{stream.context}.evt.ws1.acc{i % 3}", envelope.to_bytes())
        seqs.append(ack.seq)
    return seqs


async def rows(engine: AsyncEngine, schema: str) -> list[tuple[int, int]]:
    async with engine.connect() as conn:
        result = await conn.execute(text(f'SELECT seq, amount FROM "{schema}".deposits'))
        return [(int(r[0]), int(r[1])) for r in result]


def projector(
    nats_url: str,
    database_url: str,
    schema: str,
    stream: FreshStream,
    crash_at: int | None,
    log: Path | None = None,
) -> subprocess.Popen[bytes]:
    args = [
        sys.executable,
        "-m",
        "libs.runtime.tests.projector_process",
        nats_url,
        database_url,
        schema,
        stream.name,
        "deposits",
        f"{stream.context}.evt.>",
    ]
    if crash_at is not None:
        args.append(str(crash_at))
    out = log.open("wb") if log else None
    return subprocess.Popen(args, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)


async def test_sigkill_between_commit_and_ack_leaves_no_duplicate_row(
    nc: NatsClient,
    nats_url: str,
    database_url: str,
    engine: AsyncEngine,
    fresh_schema: str,
    fresh_stream: FreshStream,
    tmp_path: Path,
) -> None:
    seqs = await publish_deposits(nc, fresh_stream, 30)
    crash_at = seqs[11]

    first = projector(nats_url, database_url, fresh_schema, fresh_stream, crash_at)
    assert await asyncio.to_thread(first.wait, 30) == -9  # killed by SIGKILL, as planned
    # committed (with the rest of its fetched batch, applied in the same transaction) ...
    assert await checkpoint(engine, fresh_schema, "deposits") >= crash_at
    info = await nc.jetstream().consumer_info(fresh_stream.name, "deposits")
    assert info.ack_floor.stream_seq < crash_at  # ... but never acknowledged

    log = tmp_path / "second.log"
    second = projector(nats_url, database_url, fresh_schema, fresh_stream, None, log)
    try:

        async def caught_up() -> bool:
            # The checkpoint may already be at the end (the first run committed its whole
            # batch): wait for the redelivered messages to be acknowledged as well.
            try:
                info = await nc.jetstream().consumer_info(fresh_stream.name, "deposits")
            except NotFoundError:
                return False
            done = await checkpoint(engine, fresh_schema, "deposits")
            return done == seqs[-1] and (info.ack_floor.stream_seq or 0) >= seqs[-1]

        await eventually(caught_up, timeout=30)
    finally:
        second.terminate()
        await asyncio.to_thread(second.wait, 10)

    # The committed-but-unacked message came back, and was recognised as already applied.
    skipped = [line for line in log.read_text().splitlines() if "already applied" in line]
    assert any(f"seq={crash_at}" in line for line in skipped), log.read_text()
    stored = await rows(engine, fresh_schema)
    assert sorted(seq for seq, _ in stored) == seqs  # every event once, none twice
    assert sum(amount for _, amount in stored) == sum(range(1, 31))


async def test_rebuild_from_zero_reproduces_the_read_model(
    nc: NatsClient, engine: AsyncEngine, fresh_schema: str, fresh_stream: FreshStream
) -> None:
    seqs = await publish_deposits(nc, fresh_stream, 12)
    spec = ConsumerSpec(fresh_stream.name, "deposits", (f"{fresh_stream.context}.evt.>",))
    runner = ProjectionRunner(nc, engine, fresh_schema, DepositsProjection(), spec)
    async with engine.begin() as conn:
        await create_table(conn, fresh_schema)
    await runner.setup()
    live = asyncio.create_task(runner.run())

    async def caught_up() -> bool:
        return await checkpoint(engine, fresh_schema, "deposits") == seqs[-1]

    await eventually(caught_up)
    runner.stop()
    await live
    before = sorted(await rows(engine, fresh_schema))
    async with engine.begin() as conn:  # a bug corrupts the read model ...
        await conn.execute(text(f'UPDATE "{fresh_schema}".deposits SET amount = 0'))

    applied = await runner.rebuild()  # ... and a rebuild from the stream repairs it

    assert applied == 12
    assert sorted(await rows(engine, fresh_schema)) == before
    assert await checkpoint(engine, fresh_schema, "deposits") == seqs[-1]


class _OnlyDeposits(DepositsProjection):
    """Declares what it handles, and counts what it was handed, to show the rest never is."""

    handles = frozenset({Deposited.wire_name})

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        self.seen.append(event.envelope.type)
        await super().apply(conn, schema, event)


async def test_a_projection_is_never_handed_what_its_handles_leave_out(
    nc: NatsClient, engine: AsyncEngine, fresh_schema: str, fresh_stream: FreshStream
) -> None:
    js = nc.jetstream()
    subject = f"{fresh_stream.context}.evt.ws1.acc1"
    for i in range(1, 7):
        # Typed by its header, as the event store writes every stored message.
        message = Deposited(amount=i) if i % 2 else LedgerSnapshot(balance=i, deposits=i)
        envelope = Envelope.wrap(message, workspace_id="ws1")
        await js.publish(subject, envelope.to_bytes(), headers=envelope_headers(envelope))
    spec = ConsumerSpec(fresh_stream.name, "only-deposits", (f"{fresh_stream.context}.evt.>",))
    projection = _OnlyDeposits()
    runner = ProjectionRunner(nc, engine, fresh_schema, projection, spec)
    async with engine.begin() as conn:
        await create_table(conn, fresh_schema)
    await runner.setup()
    live = asyncio.create_task(runner.run())
    try:
        await eventually(lambda: len(projection.seen) == 3)
        # A seventh message, handled, shows the six before it were all consumed.
        last = Envelope.wrap(Deposited(amount=7), workspace_id="ws1")
        await js.publish(subject, last.to_bytes(), headers=envelope_headers(last))
        await eventually(lambda: len(projection.seen) == 4)
    finally:
        runner.stop()
        await live
    assert projection.seen == [Deposited.wire_name] * 4
    assert sorted(amount for _, amount in await rows(engine, fresh_schema)) == [1, 3, 5, 7]
