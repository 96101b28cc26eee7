"""Inbound messages make contacts, and a STOP word opts them out exactly once, even when the
message is delivered again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.crm.events import ContactCreated, ContactOptedOut
from parley.contracts.crm.queries import (
    ChangeConsentKeywords,
    ChangeContact,
    ConsentKeywordsView,
    ContactChangeResult,
)
from parley.contracts.envelope import Envelope
from parley.contracts.ids import contact_id_for
from parley.contracts.messaging.events import InboundMessageReceived
from parley.contracts.streams import CRM
from parley.contracts.subjects import event_subject
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.handlers.inbound_contacts import CONSUMER
from parley.crm.testing.harness import ask
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


def _inbound(ws: str, wa_id: str, text: str, n: int) -> Envelope:
    event = InboundMessageReceived(
        message_id=f"wamid.{wa_id}.{n}",
        channel_id="ch-1",
        contact_id=contact_id_for(ws, wa_id),
        phone=wa_id,
        profile_name="Joana",
        text=text,
        at=datetime.now(UTC),
    )
    return Envelope.wrap(event, workspace_id=ws)


async def _publish(js: JetStreamContext, envelope: Envelope, msg_id: str) -> int:
    data = envelope.data
    subject = event_subject("messaging", envelope.workspace_id, data["contact_id"])
    ack = await js.publish(
        subject,
        envelope.to_bytes(),
        headers={"Nats-Msg-Id": msg_id, "Parley-Type": envelope.type},
    )
    return ack.seq


async def _handled(js: JetStreamContext, sequence: int) -> None:
    async def done() -> bool:
        info = await js.consumer_info(CONSUMER.stream, CONSUMER.durable)
        return (info.ack_floor.stream_seq or 0) >= sequence

    await eventually(done, timeout=10)


async def _events(nc: NatsClient, ws: str, contact_id: str) -> list[object]:
    stored = await EventStore(nc, CRM.name).load(contact_subject(ws, contact_id))
    return [e.message for e in stored]


async def test_inbound_creates_contact_and_stop_opts_out_once(
    crm: Service, nc: NatsClient, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    wa_id = "351916000111"
    cid = contact_id_for(ws, wa_id)
    await _handled(js, await _publish(js, _inbound(ws, wa_id, "Hello!", 1), unique("m1")))
    [created] = await _events(nc, ws, cid)
    assert isinstance(created, ContactCreated)
    assert (created.phone, created.name, created.source) == ("+351916000111", "Joana", "inbound")

    stop = _inbound(ws, wa_id, " Stop! ", 2)
    await _publish(js, stop, unique("m2"))
    # The same event delivered again (a new stream message holding the same envelope).
    await _handled(js, await _publish(js, stop, unique("m2-again")))
    events = await _events(nc, ws, cid)
    opt_outs = [e for e in events if isinstance(e, ContactOptedOut)]
    assert len(opt_outs) == 1
    assert (opt_outs[0].source, opt_outs[0].channel) == ("keyword stop", "ch-1")
    # Another STOP later is no new opt-out either: they are opted out already.
    await _handled(js, await _publish(js, _inbound(ws, wa_id, "STOP", 3), unique("m3")))
    assert len(await _events(nc, ws, cid)) == 2


async def test_portuguese_stop_word_when_configured(
    crm: Service, nc: NatsClient, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    before = await _publish(js, _inbound(ws, "5511987650001", "sair", 1), unique("m1"))
    await _handled(js, before)
    assert not any(
        isinstance(e, ContactOptedOut)
        for e in await _events(nc, ws, contact_id_for(ws, "5511987650001"))
    )  # "sair" is no English STOP word
    configured = await ask(
        nc, ws, ChangeConsentKeywords(languages=("pt", "en")), ConsentKeywordsView
    )
    assert configured.ok
    assert "sair" in configured.stop_keywords
    wa_id = "5511987650002"
    await _handled(js, await _publish(js, _inbound(ws, wa_id, "Sair", 1), unique("m2")))
    [created, opted_out] = await _events(nc, ws, contact_id_for(ws, wa_id))
    assert isinstance(created, ContactCreated)
    assert isinstance(opted_out, ContactOptedOut)
    assert opted_out.source == "keyword sair"


async def test_erased_person_writing_in_again_is_a_fresh_contact(
    crm: Service, nc: NatsClient, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    wa_id = "351916000222"
    cid = contact_id_for(ws, wa_id)
    await _handled(js, await _publish(js, _inbound(ws, wa_id, "hi", 1), unique("m1")))
    erased = await ask(nc, ws, ChangeContact(action="erase", contact_id=cid), ContactChangeResult)
    assert erased.ok
    await _handled(js, await _publish(js, _inbound(ws, wa_id, "hi again", 2), unique("m2")))
    types = [type(e).__name__ for e in await _events(nc, ws, cid)]
    assert types == ["ContactErased", "ContactCreated"]
