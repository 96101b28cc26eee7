"""Rebuilding projections: on the leader of a running service, or here when none runs.

Real NATS and PostgreSQL; two replicas of a service run in this process, each with the deposits
projection, as two pods of one deployment would.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from nats.aio.client import Client as NatsClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from parley.runtime.cli.main import app
from parley.runtime.cli.rebuild import (
    HERE,
    RebuildFailed,
    discover,
    rebuild_offline,
    rebuild_online,
    select,
)
from parley.runtime.db import schema_name
from parley.runtime.embedded import free_port
from parley.runtime.projection_lease import Lease, lease_key
from parley.runtime.projections import checkpoint, create_checkpoints
from parley.runtime.service import Service
from parley.runtime.settings import ServiceSettings
from parley.runtime.testing.plugin import eventually

from .conftest import FreshStream
from .deposits_projection import DepositsProjection, create_table
from .test_projection_leader import spec_for
from .test_projections import publish_deposits, rows


def replica(name: str, nats_url: str, database_url: str, stream: FreshStream) -> Service:
    settings = ServiceSettings(
        nats_url=nats_url, database_url=database_url, health_port=free_port()
    )
    service = Service(name=name, version="0.1.0", settings=settings)
    service.add_projection(DepositsProjection(), spec_for(stream))
    return service


@pytest.fixture
async def service_name(engine: AsyncEngine, unique: Callable[[str], str]) -> AsyncIterator[str]:
    """A service of its own, whose schema already has the deposits table (its "migration")."""
    name = unique("svc").lower()
    schema = schema_name(name)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await create_table(conn, schema)
        await create_checkpoints(conn, schema)  # so `checkpoint` reads 0 before anyone leads
    try:
        yield name
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
async def two_replicas(
    service_name: str, nats_url: str, database_url: str, fresh_stream: FreshStream
) -> AsyncIterator[list[Service]]:
    services = [replica(service_name, nats_url, database_url, fresh_stream) for _ in range(2)]
    tasks = [asyncio.create_task(s.run()) for s in services]
    try:
        await eventually(lambda: all(s.phase == "running" for s in services), timeout=30)
        await eventually(lambda: any(s.projections[0].leading for s in services), timeout=10)
        yield services
    finally:
        for service in services:
            service.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), 20)


async def test_the_leader_rebuilds_while_both_replicas_run(
    two_replicas: list[Service],
    service_name: str,
    nc: NatsClient,
    engine: AsyncEngine,
    fresh_stream: FreshStream,
) -> None:
    schema = schema_name(service_name)
    seqs = await publish_deposits(nc, fresh_stream, 40)

    async def projected() -> bool:
        return await checkpoint(engine, schema, "deposits") == seqs[-1]

    await eventually(projected, timeout=20)
    before = sorted(await rows(engine, schema))
    async with engine.begin() as conn:  # a bug corrupts the read model
        await conn.execute(text(f'DELETE FROM "{schema}".deposits WHERE seq < 10'))
        await conn.execute(text(f'UPDATE "{schema}".deposits SET amount = 0 WHERE seq > 30'))

    assert await discover(nc, service_name) == ["deposits"]
    said: list[str] = []
    [row] = await rebuild_online(nc, service_name, ["deposits"], timeout=30, progress=said.append)

    assert row.outcome is not None
    assert row.ok, row.outcome.error
    assert row.outcome.applied == 40
    assert sorted(await rows(engine, schema)) == before
    [leader] = [s for s in two_replicas if s.projections[0].leading]
    assert said == [f"deposits: rebuilding on {leader.instance_id}"]

    # Live consumption goes on from there, on the same leader.
    more = await publish_deposits(nc, fresh_stream, 5)

    async def live() -> bool:
        return await checkpoint(engine, schema, "deposits") == more[-1]

    await eventually(live, timeout=20)
    assert sorted(seq for seq, _ in await rows(engine, schema)) == seqs + more
    assert leader.projections[0].leading


async def test_offline_rebuild_takes_the_lease_and_refuses_while_another_holds_it(
    service_name: str,
    nats_url: str,
    database_url: str,
    nc: NatsClient,
    engine: AsyncEngine,
    fresh_stream: FreshStream,
) -> None:
    schema = schema_name(service_name)
    seqs = await publish_deposits(nc, fresh_stream, 20)
    stopped = replica(service_name, nats_url, database_url, fresh_stream)  # built, never started

    [row] = await rebuild_offline(stopped, ["deposits"], nats_url=nats_url)

    assert row.outcome is not None
    assert (row.where, row.ok, row.outcome.applied) == (HERE, True, 20)
    assert sorted(await rows(engine, schema)) == [(s, i) for i, s in enumerate(seqs, start=1)]
    assert await checkpoint(engine, schema, "deposits") == seqs[-1]

    # A replica that holds the lease (one starting up meanwhile) makes the offline rebuild wait,
    # then give up with a reason, leaving the read model alone.
    held = await Lease.take(engine, lease_key(schema, "deposits"))
    assert held is not None
    try:
        another = replica(service_name, nats_url, database_url, fresh_stream)
        [refused] = await rebuild_offline(
            another, ["deposits"], nats_url=nats_url, lease_timeout=0.5
        )
    finally:
        await held.release()
    assert refused.outcome is not None
    assert not refused.ok
    assert "held elsewhere" in (refused.outcome.error or "")
    assert len(await rows(engine, schema)) == 20


async def test_when_no_instance_runs_the_asker_hears_so_at_once(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    nobody = unique("svc")
    assert await discover(nc, nobody) is None  # what sends the CLI down the offline path
    said: list[str] = []
    asking = rebuild_online(nc, nobody, ["deposits"], timeout=60, progress=said.append)
    [row] = await asyncio.wait_for(asking, 5)  # not the 60 s timeout: NATS says nobody listens
    assert row.outcome is None
    assert said == [f"no {nobody} instance answers any more"]


def test_an_unknown_service_is_refused_with_the_valid_names() -> None:
    result = CliRunner().invoke(app, ["replay", "projections", "flow-engin"])
    assert result.exit_code == 1
    assert "unknown service 'flow-engin'; choose one of: gateway, flow-engine," in result.output


def test_an_unknown_projection_is_refused_with_the_ones_the_service_keeps() -> None:
    with pytest.raises(RebuildFailed, match=r"crm has no projection nope \(it keeps: a, b\)"):
        select("crm", ["a", "b"], ["a", "nope"])
    assert select("crm", ["a", "b"], ["b"]) == ["b"]
    assert select("crm", ["a", "b"], []) == ["a", "b"]
