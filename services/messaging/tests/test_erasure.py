"""A contact's erasure as messaging honours it: their conversation record, the simulator's
transcript and their inbound messages in the stream are gone; their opt-out stays."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.crm.events import ContactErased
from parley.contracts.envelope import Envelope
from parley.contracts.ids import contact_id_for
from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.messaging.events import InboundMessageReceived, MessageFailed
from parley.contracts.messaging.sandbox import (
    SandboxConversation,
    SandboxConversationPage,
    SandboxSend,
    SandboxSent,
)
from parley.messaging.adapters import buckets
from parley.messaging.adapters.contacts import Conversation
from parley.messaging.testing.harness import ask, events_of, send, text, until
from parley.runtime.service import Service

PHONE = "15550002222"


async def test_an_erased_contact_leaves_nothing_behind_but_their_opt_out(
    messaging: Service, nc: NatsClient
) -> None:
    ws = f"ws-{uuid.uuid4().hex[:12]}"
    created = await ask(
        nc, ws, ChangeChannel(channel_id="sandbox", action="create_sandbox"), ChannelChangeResult
    )
    assert created.ok
    for words in ("hello, I am Ana from Porto", "STOP"):
        request = SandboxSend(channel_id="sandbox", phone=PHONE, text=words)
        await ask(nc, ws, request, SandboxSent)
    contact = contact_id_for(ws, PHONE)

    async def inbound() -> list[InboundMessageReceived]:
        found = [e for _, e in await events_of(nc, ws) if isinstance(e, InboundMessageReceived)]
        return found if len(found) == 2 else []

    await until(inbound, timeout=10)
    erased = ContactErased(contact_id=contact, at=datetime.now(UTC), by="test")
    await nc.jetstream().publish(
        f"crm.evt.{ws}.{contact}", Envelope.wrap(erased, workspace_id=ws).to_bytes()
    )

    async def transcript_gone() -> bool:
        page = await ask(
            nc, ws, SandboxConversation(channel_id="sandbox", phone=PHONE), SandboxConversationPage
        )
        return not page.messages

    assert await until(transcript_gone, timeout=10)
    assert await events_of(nc, ws, f"messaging.evt.{ws}.{contact}") == []
    kv = await nc.jetstream().key_value(buckets.CONTACTS.bucket)
    record = Conversation.model_validate_json((await kv.get(f"{ws}.{contact}")).value or b"")
    assert record.wa_id == ""
    assert record.last_inbound_at is None
    assert record.opted_out  # the STOP outlives the erasure

    # A campaign naming the number itself (as after a re-import) is still refused.
    again = SendMessage(
        command_id="after:1", contact_id=contact, message=text("x"), to=PHONE, channel_id="sandbox"
    )
    await send(nc, ws, again)

    async def refused() -> list[MessageFailed]:
        return [
            e
            for _, e in await events_of(nc, ws, f"messaging.evt.{ws}.after_1")
            if isinstance(e, MessageFailed)
        ]

    assert (await until(refused, timeout=10))[0].code == "OPTED_OUT"
