"""crm's events as the running engine acts on them: a tag starts the flows whose tag_added
trigger names it, and an opt-out cancels the contact's running executions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.events import ContactOptedOut, ContactTagsChanged
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Event
from parley.flow_engine.testing.graphs import edge, graph, node, text
from parley.flow_engine.testing.routing import (
    bodies,
    collect,
    has,
    publish_flow,
    start,
    until_taken,
)
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


async def crm_says(nc: NatsClient, ws: str, contact_id: str, event: Event) -> None:
    envelope = Envelope.wrap(event, workspace_id=ws)
    await nc.jetstream().publish(f"crm.evt.{ws}.{contact_id}", envelope.to_bytes())


async def test_a_tag_starts_the_flow_whose_trigger_names_it_once(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    vip = graph(
        [text("welcome", "Welcome to the VIP club, tagged {{vars.tag}}")],
        [],
        variables=[{"name": "tag"}],
        triggers=[{"kind": "tag_added", "tag": "vip"}],
    )
    await publish_flow(nc, ws, "vip-welcome", vip)
    other = ContactTagsChanged(contact_id="c-1", added=("newsletter",), at=datetime.now(UTC))
    tagged = ContactTagsChanged(contact_id="c-1", added=("vip",), at=datetime.now(UTC))
    envelope = Envelope.wrap(tagged, workspace_id=ws)

    async def tag() -> None:
        await crm_says(nc, ws, "c-1", other)
        # The same event each time: redelivered, it starts the same execution, so one message.
        await js.publish(f"crm.evt.{ws}.c-1", envelope.to_bytes())

    await until_taken(tag, has(sent, 1))
    await js.publish(f"crm.evt.{ws}.c-1", envelope.to_bytes())
    await crm_says(nc, ws, "c-1", other)
    await eventually(lambda: len(sent) >= 1)
    assert bodies(sent) == ["Welcome to the VIP club, tagged vip"]


async def test_an_opt_out_cancels_the_contacts_waiting_execution(
    flow_engine: Service, nc: NatsClient, engine: AsyncEngine
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    execution_id = f"e-{uuid.uuid4().hex[:8]}"
    asks = graph(
        [text("q", "Your city?"), node("wait", "wait_for_reply"), text("bye", "Thanks")],
        [edge("q", "wait"), edge("wait", "bye", "reply")],
    )
    await start(js, ws, execution_id, asks)
    await eventually(has(sent, 1))

    async def status() -> str:
        async with engine.connect() as conn:
            row = await conn.execute(
                sql(
                    "SELECT status FROM flow_engine.executions"
                    " WHERE workspace_id = :ws AND execution_id = :id"
                ),
                {"ws": ws, "id": execution_id},
            )
            return str(row.scalar() or "")

    async def waiting() -> bool:
        return await status() == "waiting"

    await eventually(waiting, timeout=10)
    await crm_says(
        nc, ws, "c-1", ContactOptedOut(contact_id="c-1", at=datetime.now(UTC), source="keyword")
    )

    async def cancelled() -> bool:
        return await status() == "cancelled"

    await eventually(cancelled, timeout=10)
    assert bodies(sent) == ["Your city?"]
