"""The flow-engine service projects executions and their step log (real NATS and Postgres)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from nats.aio.client import Client as NatsClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import DeliverReply, StartExecution
from parley.contracts.executions.queries import ContactInspection, InspectContact
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.execution import ExecutionDecider, ExecutionInput
from parley.flow_engine.testing.graphs import welcome
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

# Now, not a fixed date: the running engine schedules each wait's 24 h timeout from the start, and
# a timeout already past fires at once and ends the wait under the test's feet.
T0 = datetime.now(UTC).replace(microsecond=0)
WS = "ws-console"
INSPECT = "parley.q.flow-engine.inspect-contact"


async def one(engine: AsyncEngine, sql: str, **params: Any) -> dict[str, Any] | None:
    async with engine.connect() as conn:
        row = (await conn.execute(text(sql), params)).first()
    return dict(row._mapping) if row else None


async def test_an_execution_and_its_steps_are_projected_as_they_happen(
    flow_engine: Service, nc: NatsClient, engine: AsyncEngine
) -> None:
    store = EventStore(nc, FLOW_ENGINE.name)
    execution_id = f"e-{uuid.uuid4().hex[:10]}"
    subject = event_subject("exec", WS, execution_id)

    async def send(command: ExecutionInput) -> None:
        cause = Envelope.wrap(command, workspace_id=WS)
        await execute(store, subject, ExecutionDecider(), command, cause=cause)

    await send(
        StartExecution(
            execution_id=execution_id,
            flow_id="welcome",
            flow_version=1,
            graph=welcome(),
            contact=ContactSnapshot(contact_id="c-9", name="Ada"),
            trigger="keyword",
            at=T0,
        )
    )
    query = "SELECT * FROM flow_engine.executions WHERE workspace_id = :ws AND execution_id = :id"

    async def waiting() -> bool:
        row = await one(engine, query, ws=WS, id=execution_id)
        return row is not None and row["status"] == "waiting"

    await eventually(waiting, timeout=15)
    row = await one(engine, query, ws=WS, id=execution_id)
    assert row is not None
    assert (row["current_node"], row["waiting_for"], row["contact_id"]) == ("ask", "reply", "c-9")

    await send(DeliverReply(text="30", at=T0 + timedelta(minutes=1)))

    async def completed() -> bool:
        row = await one(engine, query, ws=WS, id=execution_id)
        return row is not None and row["status"] == "completed"

    await eventually(completed, timeout=15)
    row = await one(engine, query, ws=WS, id=execution_id)
    assert row is not None
    assert row["current_node"] == "bye"
    assert row["waiting_for"] is None
    assert row["ended_at"] is not None
    stored = await store.load(subject)
    steps = await one(
        engine,
        "SELECT count(*) AS n, min(event_type) AS first FROM flow_engine.execution_steps"
        " WHERE workspace_id = :ws AND execution_id = :id",
        ws=WS,
        id=execution_id,
    )
    assert steps is not None
    assert steps["n"] == len(stored)  # one step row per event, none twice


async def test_the_inspector_answers_over_nats_scoped_to_the_workspace(
    flow_engine: Service, nc: NatsClient, engine: AsyncEngine
) -> None:
    store = EventStore(nc, FLOW_ENGINE.name)
    contact = f"c-{uuid.uuid4().hex[:8]}"
    execution_id = f"e-{uuid.uuid4().hex[:10]}"
    start = StartExecution(
        execution_id=execution_id,
        flow_id="welcome",
        flow_version=1,
        graph=welcome(),
        contact=ContactSnapshot(contact_id=contact, name="Ada"),
        trigger="keyword",
        at=T0,
    )
    await execute(
        store,
        event_subject("exec", WS, execution_id),
        ExecutionDecider(),
        start,
        cause=Envelope.wrap(start, workspace_id=WS),
    )

    async def inspect(workspace: str) -> ContactInspection:
        request = Envelope.wrap(InspectContact(contact_id=contact), workspace_id=workspace)
        reply = await nc.request(INSPECT, request.to_bytes(), timeout=5)
        return ContactInspection.model_validate_json(reply.data)

    async def visible() -> bool:
        return len((await inspect(WS)).active) == 1

    await eventually(visible, timeout=15)
    [summary] = (await inspect(WS)).active
    assert (summary.execution_id, summary.current_node, summary.waiting_for) == (
        execution_id,
        "ask",
        "reply",
    )
    assert summary.waiting_since is not None
    assert (await inspect("another-workspace")).active == ()  # never another tenant's data

    bad = await nc.request(INSPECT, b'{"not": "an envelope"}', timeout=5)
    assert bad.headers is not None
    assert bad.headers["Nats-Service-Error-Code"] == "400"
    assert "not a valid query envelope" in bad.headers["Nats-Service-Error"]
