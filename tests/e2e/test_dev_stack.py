"""`parley dev` end to end: seven ready services, a clean stop, and a second boot on kept data."""

from __future__ import annotations

import asyncio
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from sqlalchemy import text

from parley.contracts.envelope import Envelope
from parley.contracts.system import HealthQuery
from parley.runtime.db import create_engine
from parley.runtime.embedded import free_port
from parley.runtime.testing.dev_stack import (
    PARLEY,
    SERVICES,
    Stack,
    free_port_range,
    stop_and_assert_gone,
)

# Seven service processes, NATS and PostgreSQL start on two cores; ai-rag's imports (Qdrant,
# numpy, openai) alone take seconds, so a boot on a busy machine may take a minute.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(360)]

MARKER_SUBJECT = "crm.evt.e2e.marker"


async def marker_count(stack: Stack) -> int:
    nc = await nats.connect(stack.nats_url)
    try:
        info = await nc.jetstream().stream_info("CRM", subjects_filter=MARKER_SUBJECT)
        return info.state.messages
    finally:
        await nc.close()


async def postgres_identity(stack: Stack) -> tuple[int, int]:
    """The cluster's system identifier (new on every initdb) and how many service schemas exist."""
    engine = create_engine(stack.database_url)
    try:
        async with engine.connect() as conn:
            ident = (
                await conn.execute(text("SELECT system_identifier FROM pg_control_system()"))
            ).scalar_one()
            schemas = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM information_schema.schemata WHERE schema_name IN "
                        "('gateway', 'flow_engine', 'messaging', 'crm', 'billing', 'ai_rag', "
                        "'scraper')"
                    )
                )
            ).scalar_one()
        return int(ident), int(schemas)
    finally:
        await engine.dispose()


async def tail_shows_marker(stack: Stack) -> str:
    """`parley events tail --since` replays the stored marker, then stops cleanly on Ctrl-C."""
    process = await asyncio.create_subprocess_exec(
        PARLEY,
        "events",
        "tail",
        "crm.>",
        "--since",
        "1h",
        "--nats-url",
        stack.nats_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 20)
    finally:
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 10)
    assert code == 0
    return line.decode()


@pytest.fixture
def stack_dir() -> Iterator[Path]:
    """Outside pytest's tmp root: pytest re-chmods that root to 0700 at every session start,
    which would lock the unprivileged PostgreSQL user out of its data dir mid-test."""
    path = Path(tempfile.mkdtemp(prefix="parley-e2e-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def test_dev_stack_boots_stops_and_boots_again_on_its_data(stack_dir: Path) -> None:
    stack = Stack(
        data_dir=stack_dir / "data",
        log=stack_dir / "dev.log",
        nats_port=free_port(),
        pg_port=free_port(),
        health_base=free_port_range(SERVICES),
    )

    with stack.running() as dev:
        report = await stack.wait_all_ready(dev)
        services = report["services"]
        assert isinstance(services, list)
        assert sum(1 for s in services if s["status"] == "ready") == SERVICES
        nc = await nats.connect(stack.nats_url)
        marker = Envelope.wrap(HealthQuery(), workspace_id="e2e")
        await nc.jetstream().publish(MARKER_SUBJECT, marker.to_bytes())
        await nc.close()
        first_identity = await postgres_identity(stack)
        assert first_identity[1] == SERVICES  # every service created its schema
        stop_and_assert_gone(dev, stack)

    with stack.running() as dev:
        await stack.wait_all_ready(dev)
        assert await marker_count(stack) == 1
        assert await postgres_identity(stack) == first_identity
        line = await tail_shows_marker(stack)
        assert MARKER_SUBJECT in line
        assert "runtime.HealthQuery  ws=e2e" in line
        stop_and_assert_gone(dev, stack)

    assert "data reused" in stack.log.read_text()
