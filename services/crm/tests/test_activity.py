"""contact_activity from messaging's InboundMessageReceived: webhooks arrive out of order, so the
first inbound is the earliest seen and the last the latest; a rebuild comes back the same."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.messaging.events import InboundMessageReceived, MessageDelivered
from parley.contracts.subjects import command_subject, event_subject
from parley.runtime.eventstore.store import envelope_headers
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

Span = tuple[datetime, datetime]


async def publish(js: JetStreamContext, subject: str, workspace: str, message: Message) -> None:
    envelope = Envelope.wrap(message, workspace_id=workspace)
    await js.publish(subject, envelope.to_bytes(), headers=envelope_headers(envelope))


async def spans(engine: AsyncEngine, workspace: str) -> dict[str, Span]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT contact_id, first_inbound_at, last_inbound_at FROM crm.contact_activity"
                " WHERE workspace_id = :ws"
            ),
            {"ws": workspace},
        )
        return {row.contact_id: (row.first_inbound_at, row.last_inbound_at) for row in result}


async def test_first_and_last_inbound_survive_webhooks_out_of_order_and_a_rebuild(
    crm: Service, js: JetStreamContext, engine: AsyncEngine, unique: Callable[[str], str]
) -> None:
    ws, ada, bob = unique("ws"), unique("ada"), unique("bob")
    t0 = datetime.now(UTC) - timedelta(hours=2)

    def inbound(contact: str, minutes: int) -> InboundMessageReceived:
        return InboundMessageReceived(
            message_id=unique(f"wamid-{contact}-{minutes}"),
            channel_id="ch-1",
            contact_id=contact,
            text=f"message at {minutes}",
            at=t0 + timedelta(minutes=minutes),
        )

    for contact, minute in ((ada, 5), (ada, 1), (bob, 7), (ada, 9), (ada, 3)):
        await publish(js, event_subject("messaging", ws, contact), ws, inbound(contact, minute))
    # Sends and statuses name the contact too, but are not the contact writing in.
    command_id = f"{unique('e')}:1"
    later = t0 + timedelta(hours=1)
    await publish(
        js,
        command_subject("messaging", ws, command_token(command_id)),
        ws,
        SendMessage(command_id=command_id, contact_id=ada, message={"kind": "text", "body": "x"}),
    )
    await publish(
        js,
        event_subject("messaging", ws, command_token(command_id)),
        ws,
        MessageDelivered(command_id=command_id, contact_id=ada, at=later),
    )
    expected = {
        ada: (t0 + timedelta(minutes=1), t0 + timedelta(minutes=9)),
        bob: (t0 + timedelta(minutes=7), t0 + timedelta(minutes=7)),
    }

    async def projected() -> bool:
        return await spans(engine, ws) == expected

    await eventually(projected, timeout=20)

    [runner] = [runner for runner in crm.projections if runner.name == "contact_activity"]
    assert await runner.rebuild() >= 5  # the five messages in (the status is passed over)
    assert await spans(engine, ws) == expected
