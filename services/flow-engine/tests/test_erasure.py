"""A contact's erasure in the execution read model: their steps lose their personal detail at
once, and again when the read model is rebuilt from the stream, which still holds them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from nats.aio.client import Client as NatsClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.events import ContactErased
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import DeliverReply, StartExecution
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.execution import ExecutionDecider, ExecutionInput
from parley.flow_engine.testing.graphs import welcome
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

SECRETS = ("Ada Lovelace", "351912345678", "Rua das Flores 12")


async def details(engine: AsyncEngine, ws: str, execution_id: str) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT detail FROM flow_engine.execution_steps"
                " WHERE workspace_id = :ws AND execution_id = :id ORDER BY sequence"
            ),
            {"ws": ws, "id": execution_id},
        )
        return [json.dumps(row.detail) for row in rows]


async def run_for(nc: NatsClient, ws: str, contact_id: str, at: datetime) -> str:
    store = EventStore(nc, FLOW_ENGINE.name)
    execution_id = f"e-{uuid.uuid4().hex[:10]}"
    subject = event_subject("exec", ws, execution_id)

    async def send(command: ExecutionInput) -> None:
        await execute(
            store,
            subject,
            ExecutionDecider(),
            command,
            cause=Envelope.wrap(command, workspace_id=ws),
        )

    contact = ContactSnapshot(contact_id=contact_id, name=SECRETS[0], phone=SECRETS[1])
    await send(
        StartExecution(
            execution_id=execution_id,
            flow_id="welcome",
            flow_version=1,
            graph=welcome(),
            contact=contact,
            trigger="keyword",
            at=at,
        )
    )
    await send(DeliverReply(text=SECRETS[2], at=at + timedelta(seconds=1)))
    return execution_id


def mentions_secrets(rows: list[str]) -> bool:
    return any(secret in row for row in rows for secret in SECRETS)


async def test_an_erased_contacts_steps_stay_redacted_through_a_rebuild(
    flow_engine: Service, nc: NatsClient, engine: AsyncEngine
) -> None:
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    erased = await run_for(nc, ws, "c-erased", now - timedelta(minutes=5))
    kept = await run_for(nc, ws, "c-kept", now - timedelta(minutes=5))

    async def projected() -> bool:
        rows = await details(engine, ws, erased), await details(engine, ws, kept)
        return all(len(r) >= 3 and mentions_secrets(r) for r in rows)

    await eventually(projected, timeout=15)
    # Erased after the steps were recorded (the cut-off is the erasure time).
    erasure = ContactErased(contact_id="c-erased", at=datetime.now(UTC), by="test")
    await nc.jetstream().publish(
        f"crm.evt.{ws}.c-erased", Envelope.wrap(erasure, workspace_id=ws).to_bytes()
    )

    async def redacted() -> bool:
        return not mentions_secrets(await details(engine, ws, erased))

    await eventually(redacted, timeout=15)
    [runner] = [r for r in flow_engine.projections if r.name == "executions"]
    await runner.rebuild()
    rebuilt = await details(engine, ws, erased)
    assert rebuilt
    assert not mentions_secrets(rebuilt)
    assert all(json.loads(row) == {"redacted": True} for row in rebuilt)
    assert mentions_secrets(await details(engine, ws, kept))  # nobody else's history is touched
