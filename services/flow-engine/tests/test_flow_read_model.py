"""The flow-engine service projects flow events into its read model (real NATS and Postgres)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from nats.aio.client import Client as NatsClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.envelope import Envelope
from parley.contracts.flows.commands import ArchiveFlow, CreateFlow, PublishFlow, UpdateFlowDraft
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.flow import FlowCommand, FlowDecider
from parley.flow_engine.testing.graphs import graph, welcome
from parley.flow_engine.testing.graphs import text as text_node
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


async def send(nc: NatsClient, workspace: str, flow_id: str, command: FlowCommand) -> None:
    store = EventStore(nc, FLOW_ENGINE.name)
    cause = Envelope.wrap(command, workspace_id=workspace)
    subject = event_subject("flow", workspace, flow_id)
    await execute(store, subject, FlowDecider(), command, cause=cause)


async def rows(engine: AsyncEngine, sql: str) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(text(sql))]


async def test_flow_events_land_in_the_read_model_per_workspace(
    flow_engine: Service, nc: NatsClient, engine: AsyncEngine
) -> None:
    # Workspaces of its own: other tests' flows share the database.
    ws_a, ws_b = f"ws-a-{uuid.uuid4().hex[:8]}", f"ws-b-{uuid.uuid4().hex[:8]}"
    listed = f"SELECT * FROM flow_engine.flows WHERE workspace_id IN ('{ws_a}', '{ws_b}')"
    mine = f"workspace_id IN ('{ws_a}', '{ws_b}')"
    await send(nc, ws_a, "welcome", CreateFlow(flow_id="welcome", name="Welcome", graph=welcome()))
    await send(nc, ws_a, "welcome", PublishFlow(note="first"))
    edited = graph([text_node("greet", "Hi!")], [])
    await send(nc, ws_a, "welcome", UpdateFlowDraft(graph=edited))
    await send(nc, ws_a, "welcome", ArchiveFlow())
    await send(nc, ws_b, "welcome", CreateFlow(flow_id="welcome", name="Other tenant"))

    async def projected() -> bool:
        found = await rows(engine, f"{listed} ORDER BY workspace_id")
        return len(found) == 2 and bool(found[0]["archived"])

    await eventually(projected, timeout=15)
    flows = await rows(engine, f"{listed} ORDER BY workspace_id")
    assert [(f["workspace_id"], f["name"], f["latest_version"]) for f in flows] == [
        (ws_a, "Welcome", 1),
        (ws_b, "Other tenant", 0),
    ]
    assert flows[0]["draft"] == json.loads(edited.model_dump_json())
    [version] = await rows(engine, f"SELECT * FROM flow_engine.flow_versions WHERE {mine}")
    assert (version["workspace_id"], version["version"], version["note"]) == (ws_a, 1, "first")
    assert version["graph"] == json.loads(welcome().model_dump_json())  # not the later draft
