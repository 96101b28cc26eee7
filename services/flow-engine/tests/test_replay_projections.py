"""`parley replay projections flow-engine`, run as a command against real NATS and PostgreSQL.

Flows and an execution go through the engine's own deciders; a bug then corrupts the read
models; the command rebuilds them from the FLOW_ENGINE stream and every row comes back as it was.
Online, two replicas run and the leaders rebuild; offline, none runs and the command does it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import StartExecution
from parley.contracts.flows.commands import (
    ArchiveFlow,
    CreateFlow,
    PublishFlow,
    RenameFlow,
    UpdateFlowDraft,
)
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.app import build
from parley.flow_engine.domain.execution import ExecutionDecider
from parley.flow_engine.domain.flow import FlowCommand, FlowDecider
from parley.flow_engine.settings import FlowEngineSettings
from parley.flow_engine.testing.graphs import graph, welcome
from parley.flow_engine.testing.graphs import text as text_node
from parley.runtime.embedded import free_port
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

TABLES = {
    "flows": "flow_id",
    "flow_versions": "flow_id, version",
    "executions": "execution_id",
    "execution_steps": "execution_id, sequence",
}


async def flow(nc: NatsClient, workspace: str, flow_id: str, command: FlowCommand) -> None:
    cause = Envelope.wrap(command, workspace_id=workspace)
    subject = event_subject("flow", workspace, flow_id)
    await execute(EventStore(nc, FLOW_ENGINE.name), subject, FlowDecider(), command, cause=cause)


async def history(nc: NatsClient, workspace: str) -> str:
    """Two flows with versions, renames and an archive, and one execution; its id."""
    created = CreateFlow(flow_id="welcome", name="Welcome", graph=welcome())
    await flow(nc, workspace, "welcome", created)
    await flow(nc, workspace, "welcome", PublishFlow(note="first"))
    await flow(nc, workspace, "welcome", RenameFlow(name="Hello"))
    edited = graph([text_node("greet", "Hi!")], [])
    await flow(nc, workspace, "welcome", UpdateFlowDraft(graph=edited))
    await flow(nc, workspace, "welcome", PublishFlow(note="second"))
    await flow(nc, workspace, "old", CreateFlow(flow_id="old", name="Old", graph=welcome()))
    await flow(nc, workspace, "old", ArchiveFlow())
    execution_id = f"e-{uuid.uuid4().hex[:10]}"
    start = StartExecution(
        execution_id=execution_id,
        flow_id="welcome",
        flow_version=1,
        graph=welcome(),
        contact=ContactSnapshot(contact_id="c-1", name="Ada"),
        trigger="keyword",
        # Now, not a fixed date: a start in the past would let the reply timeout fire at once
        # and move the execution on while the test compares the read models.
        at=datetime.now(UTC),
    )
    subject = event_subject("exec", workspace, execution_id)
    cause = Envelope.wrap(start, workspace_id=workspace)
    await execute(EventStore(nc, FLOW_ENGINE.name), subject, ExecutionDecider(), start, cause=cause)
    return execution_id


async def read_models(engine: AsyncEngine, workspace: str) -> dict[str, list[dict[str, Any]]]:
    """The workspace's rows of each read model (other tests share these tables)."""
    found: dict[str, list[dict[str, Any]]] = {}
    async with engine.connect() as conn:
        for table, order in TABLES.items():
            result = await conn.execute(
                text(
                    f"SELECT * FROM flow_engine.{table} WHERE workspace_id = :ws ORDER BY {order}"
                ),
                {"ws": workspace},
            )
            found[table] = [dict(r._mapping) for r in result]
    return found


async def projected(engine: AsyncEngine, workspace: str) -> dict[str, list[dict[str, Any]]]:
    """Wait until the whole history is in the read models, then return them."""

    async def complete() -> bool:
        models = await read_models(engine, workspace)
        return (
            [f["name"] for f in models["flows"]] == ["Old", "Hello"]
            and len(models["flow_versions"]) == 2
            and [e["status"] for e in models["executions"]] == ["waiting"]
        )

    await eventually(complete, timeout=20)
    return await read_models(engine, workspace)


async def corrupt(engine: AsyncEngine, workspace: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text("DELETE FROM flow_engine.flows WHERE workspace_id = :ws"), {"ws": workspace}
        )
        await conn.execute(
            text("UPDATE flow_engine.flow_versions SET note = 'garbage' WHERE workspace_id = :ws"),
            {"ws": workspace},
        )
        await conn.execute(
            text("DELETE FROM flow_engine.execution_steps WHERE workspace_id = :ws"),
            {"ws": workspace},
        )


async def parley(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """The real command line, in a process of its own, as an operator would run it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "parley.runtime.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def environment(nats_url: str, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NATS_URL", "DATABASE_URL"}}
    env["NATS_URL"] = nats_url
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env


def flow_engine_replica(nats_url: str, database_url: str) -> Service:
    settings = FlowEngineSettings(
        nats_url=nats_url, database_url=database_url, health_port=free_port()
    )
    return build(settings)


@pytest.fixture
async def second_replica(
    flow_engine: Service, nats_url: str, database_url: str
) -> AsyncIterator[Service]:
    """Another flow-engine instance beside the `flow_engine` fixture's: two replicas."""
    service = flow_engine_replica(nats_url, database_url)
    task = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    yield service
    service.stop()
    await asyncio.wait_for(task, 15)


async def test_the_running_replicas_rebuild_the_read_models(
    flow_engine: Service,
    second_replica: Service,
    nc: NatsClient,
    engine: AsyncEngine,
    nats_url: str,
) -> None:
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    await history(nc, workspace)
    before = await projected(engine, workspace)
    await corrupt(engine, workspace)
    assert await read_models(engine, workspace) != before

    code, out, err = await parley(
        "replay", "projections", "flow-engine", env=environment(nats_url, None)
    )

    assert code == 0, out + err
    assert await read_models(engine, workspace) == before
    lines = out.splitlines()
    assert lines[0].split() == ["PROJECTION", "RESULT", "EVENTS", "SECONDS", "WHERE", "DETAIL"]
    assert {line.split()[0]: line.split()[1] for line in lines[1:]} == {
        "flows": "ok",
        "executions": "ok",
        "campaigns": "ok",
        "campaign_deliveries": "ok",
        "campaign_opt_outs": "ok",
    }
    replicas = (flow_engine, second_replica)
    for projection in ("flows", "executions"):
        # Each projection was rebuilt by the one replica leading it, and still is led.
        leaders = [s for s in replicas for r in s.projections if r.name == projection and r.leading]
        assert len(leaders) == 1
        assert f"{projection}: rebuilding on {leaders[0].instance_id}" in err


async def test_with_no_replica_running_the_command_rebuilds_them_itself(
    nc: NatsClient, engine: AsyncEngine, nats_url: str, database_url: str
) -> None:
    service = flow_engine_replica(nats_url, database_url)
    running = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    try:
        await history(nc, workspace)
        before = await projected(engine, workspace)
    finally:
        service.stop()
        await asyncio.wait_for(running, 15)
    await corrupt(engine, workspace)

    code, out, err = await parley(
        "replay",
        "projections",
        "flow-engine",
        "-p",
        "flows",
        env=environment(nats_url, database_url),
    )

    assert code == 0, out + err
    assert "no flow-engine instance answers: rebuilding here" in err
    [_, row] = out.splitlines()
    assert row.split()[:2] == ["flows", "ok"]
    assert "here (offline)" in row
    after = await read_models(engine, workspace)
    assert after["flows"] == before["flows"]
    assert after["flow_versions"] == before["flow_versions"]
    assert after["execution_steps"] == []  # not asked for: left as it was

    # Without DATABASE_URL there is nothing to rebuild with: the command says what is missing.
    code, out, err = await parley(
        "replay", "projections", "flow-engine", env=environment(nats_url, None)
    )
    assert code == 1
    assert "set DATABASE_URL" in err
