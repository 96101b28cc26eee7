"""The service runner against real NATS and PostgreSQL, in this process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.runtime.consumers import ConsumerSpec
from parley.runtime.discovery import gather_health
from parley.runtime.embedded import free_port
from parley.runtime.migrations import current_revision, migrate
from parley.runtime.service import Service
from parley.runtime.settings import ServiceSettings
from parley.runtime.testing.plugin import eventually

from .conftest import FreshStream

REVISION = """
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE notes (id int PRIMARY KEY)")


def downgrade() -> None:
    op.execute("DROP TABLE notes")
"""


async def status(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


@pytest.fixture
async def running(
    nats_url: str, database_url: str, unique: Callable[[str], str]
) -> AsyncIterator[Service]:
    # A name of its own: it owns no context stream, only the shared runtime ones.
    settings = ServiceSettings(
        nats_url=nats_url, database_url=database_url, health_port=free_port()
    )
    service = Service(name=unique("svc").lower(), version="0.1.0", settings=settings)
    task = asyncio.create_task(service.run())
    yield service
    service.stop()
    await asyncio.wait_for(task, 15)


async def test_a_started_service_is_ready_everywhere(running: Service, nc: NatsClient) -> None:
    port = running.settings.health_port

    async def ready() -> bool:
        return (await status(port, "/readyz"))[0] == 200

    await eventually(ready, timeout=20)
    assert (await status(port, "/healthz"))[0] == 200
    _, metrics = await status(port, "/metrics")
    assert f"parley_{running.schema}_up 1.0" in metrics

    reports, _ = await gather_health(nc, timeout=2)
    [mine] = [r for r in reports if r.instance_id == running.instance_id]
    assert (mine.service, mine.version, mine.ready) == (running.name, "0.1.0", True)
    assert {c.name for c in mine.checks} == {"startup", "nats", "postgres", "streams"}


async def test_stop_leaves_nothing_running(running: Service) -> None:
    port = running.settings.health_port

    async def started() -> bool:
        return running.phase == "running"

    await eventually(started, timeout=20)
    running.stop()
    await eventually(lambda: _is(running, "stopped"))
    assert running.nc.is_closed
    with pytest.raises(aiohttp.ClientConnectionError):
        await status(port, "/healthz")


async def _is(service: Service, phase: str) -> bool:
    return service.phase == phase


async def test_a_stop_during_start_up_ends_promptly(
    database_url: str, unique: Callable[[str], str]
) -> None:
    # Nothing listens there: the service keeps trying to connect, alive but not ready.
    settings = ServiceSettings(
        nats_url=f"nats://127.0.0.1:{free_port()}",
        database_url=database_url,
        health_port=free_port(),
    )
    service = Service(name=unique("svc").lower(), version="0.1.0", settings=settings)
    task = asyncio.create_task(service.run())

    async def not_ready() -> bool:
        try:
            code, body = await status(settings.health_port, "/readyz")
        except aiohttp.ClientConnectionError:
            return False
        return code == 503 and '"nats"' in body

    await eventually(not_ready, timeout=10)
    service.stop()
    await asyncio.wait_for(task, 10)
    assert service.phase == "stopped"


async def test_migrations_run_once_in_the_service_schema(
    engine: AsyncEngine, unique: Callable[[str], str], tmp_path: Path
) -> None:
    (tmp_path / "0001_notes.py").write_text(REVISION)
    schema = unique("m").lower()
    try:
        await migrate(engine, tmp_path, schema)
        await migrate(engine, tmp_path, schema)  # a second replica, or a restart: no-op
        assert await current_revision(engine, schema) == "0001"
        async with engine.connect() as conn:
            tables = await conn.execute(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
                {"s": schema},
            )
            assert sorted(tables.scalars()) == ["alembic_version", "notes"]
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


async def test_a_consumer_runs_for_the_service_lifetime_and_is_counted(
    nats_url: str,
    database_url: str,
    unique: Callable[[str], str],
    nc: NatsClient,
    fresh_stream: FreshStream,
) -> None:
    settings = ServiceSettings(
        nats_url=nats_url, database_url=database_url, health_port=free_port()
    )
    service = Service(name=unique("svc").lower(), version="0.1.0", settings=settings)
    subject = f"{fresh_stream.context}.evt.ws1.x"
    handled: list[bytes] = []

    async def handler(msg: Msg) -> None:
        handled.append(msg.data)

    service.add_consumer(ConsumerSpec(fresh_stream.name, "svc-consumer", (subject,)), handler)
    task = asyncio.create_task(service.run())
    try:
        await nc.jetstream().publish(subject, b"one")
        await eventually(lambda: handled == [b"one"])
        _, metrics = await status(settings.health_port, "/metrics")
        assert 'messages_handled_total{durable="svc-consumer",outcome="ok"} 1.0' in metrics
    finally:
        service.stop()
        await asyncio.wait_for(task, 15)
    assert service.phase == "stopped"
    await nc.jetstream().publish(subject, b"after stop")
    info = await nc.jetstream().consumer_info(fresh_stream.name, "svc-consumer")
    assert info.num_pending == 1  # stopped consumers take nothing more
