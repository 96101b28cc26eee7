"""Runs the deposits projection as its own process; optionally SIGKILLs itself after the commit
of one chosen stream sequence and before its ack, the worst moment for exactly-once effects.

    python -m tests.projector_process NATS_URL DATABASE_URL SCHEMA STREAM DURABLE FILTER [CRASH_SEQ]
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import nats

from parley.runtime.consumers import ConsumerSpec
from parley.runtime.db import create_engine
from parley.runtime.eventstore.store import StoredEvent
from parley.runtime.projections import ProjectionRunner

from .deposits_projection import DepositsProjection, create_table


async def main(argv: list[str]) -> None:
    nats_url, database_url, schema, stream, durable, subject_filter = argv[:6]
    crash_at = int(argv[6]) if len(argv) > 6 else None

    async def crash(event: StoredEvent) -> None:
        if event.sequence == crash_at:
            os.kill(os.getpid(), signal.SIGKILL)

    nc = await nats.connect(nats_url)
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await create_table(conn, schema)
    spec = ConsumerSpec(stream, durable, (subject_filter,), backoff=(0.3,), ack_wait=1.0)
    runner = ProjectionRunner(nc, engine, schema, DepositsProjection(), spec, after_commit=crash)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, runner.stop)
    await runner.run()
    await nc.drain()
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
