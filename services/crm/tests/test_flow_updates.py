"""crm.UpdateContact from a flow: tags and typed fields, once per command id; a bad field is
skipped, not fatal."""

from __future__ import annotations

from collections.abc import Callable

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.crm.commands import UpdateContact
from parley.contracts.crm.events import ContactTagsChanged, ContactUpdated
from parley.contracts.crm.queries import (
    ChangeContact,
    ChangeField,
    ContactChangeResult,
    ContactInput,
    FieldChangeResult,
)
from parley.contracts.envelope import Envelope
from parley.contracts.streams import CRM
from parley.contracts.subjects import command_subject, command_token
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.handlers.flow_updates import CONSUMER
from parley.crm.testing.harness import ask
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


async def test_flow_tags_and_sets_fields_once(
    crm: Service, nc: NatsClient, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    await ask(
        nc,
        ws,
        ChangeField(action="define", key="score", label="Score", type="number"),
        FieldChangeResult,
    )
    created = await ask(
        nc,
        ws,
        ChangeContact(action="create", contact=ContactInput(phone="+351912000333", tags=("old",))),
        ContactChangeResult,
    )
    command = UpdateContact(
        command_id="exec-1:4",
        contact_id=created.contact_id,
        add_tags=("Interested",),
        remove_tags=("old",),
        set_fields={"score": "7.5", "nope": "x"},
        execution_id="exec-1",
        node_id="tag",
    )
    envelope = Envelope.wrap(command, workspace_id=ws)
    subject = command_subject("crm", ws, command_token(command.command_id))
    last = 0
    for attempt in range(2):  # the second as a redelivery would bring it: same command id
        ack = await js.publish(
            subject,
            envelope.to_bytes(),
            headers={
                "Nats-Msg-Id": f"{command.command_id}#{attempt}",
                "Parley-Type": envelope.type,
            },
        )
        last = ack.seq

    async def handled() -> bool:
        info = await js.consumer_info(CONSUMER.stream, CONSUMER.durable)
        return (info.ack_floor.stream_seq or 0) >= last

    await eventually(handled, timeout=10)
    stored = await EventStore(nc, CRM.name).load(contact_subject(ws, created.contact_id))
    changes = [e.message for e in stored][1:]
    assert len(changes) == 2
    updated, tagged = changes
    assert isinstance(updated, ContactUpdated)
    assert updated.set_fields == {"score": 7.5}
    assert isinstance(tagged, ContactTagsChanged)
    assert (tagged.added, tagged.removed, tagged.execution_id) == (
        ("interested",),
        ("old",),
        "exec-1",
    )
