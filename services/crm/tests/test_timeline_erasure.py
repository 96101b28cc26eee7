"""Erasure in the timeline and the inbound activity, live and after every projection is rebuilt
from the streams, which still hold the older messages and flow steps naming the person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.events import ContactCreated, ContactErased, ContactUpdated
from parley.contracts.crm.queries import GetContactTimeline, TimelinePage
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import (
    ContactSnapshot,
    ExecutionStarted,
    NodeEntered,
    ReplyAccepted,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.messaging.events import InboundMessageReceived, MessageRead
from parley.contracts.subjects import command_subject, event_subject
from parley.crm.testing.harness import ask
from parley.runtime.eventstore import commits
from parley.runtime.eventstore.store import envelope_headers
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

PROJECTIONS = {"timeline_crm", "timeline_messaging", "timeline_flows", "contact_activity"}


async def publish(
    js: JetStreamContext, subject: str, workspace: str, *messages: Message, at: datetime
) -> None:
    envelopes = [Envelope.wrap(m, workspace_id=workspace, occurred_at=at) for m in messages]
    await js.publish(
        subject, commits.encode(envelopes), headers=envelope_headers(envelopes[0], *envelopes[1:])
    )


async def rows(engine: AsyncEngine, workspace: str, contact_id: str) -> dict[str, list[Any]]:
    """Everything the timeline's tables hold of the contact, straight from Postgres."""
    found: dict[str, list[Any]] = {}
    async with engine.connect() as conn:
        for table in ("timeline", "contact_activity", "execution_contacts"):
            result = await conn.execute(
                text(f"SELECT * FROM crm.{table} WHERE workspace_id = :ws AND contact_id = :c"),
                {"ws": workspace, "c": contact_id},
            )
            found[table] = [dict(r._mapping) for r in result]
    found["timeline"].sort(key=lambda row: (row["at"], row["event_id"]))
    return found


async def test_after_erasure_and_a_full_rebuild_no_row_holds_the_persons_data(
    crm: Service,
    nc: NatsClient,
    js: JetStreamContext,
    engine: AsyncEngine,
    unique: Callable[[str], str],
) -> None:
    ws, contact, execution = unique("ws"), unique("c"), unique("e")
    name, phone, secret = unique("Ada Lovelace"), "4915112345678", unique("my order number is")
    t0 = datetime.now(UTC) - timedelta(hours=1)

    def at(minutes: int) -> datetime:
        return t0 + timedelta(minutes=minutes)

    crm_subject = event_subject("crm", ws, contact)
    await publish(
        js,
        crm_subject,
        ws,
        ContactCreated(
            contact_id=contact, phone=f"+{phone}", name=name, source="inbound", at=at(0)
        ),
        at=at(0),
    )
    await publish(
        js, crm_subject, ws, ContactUpdated(contact_id=contact, name=name, at=at(1)), at=at(1)
    )
    await publish(
        js,
        event_subject("messaging", ws, contact),
        ws,
        InboundMessageReceived(
            message_id=unique("wamid"),
            channel_id="ch-1",
            contact_id=contact,
            phone=phone,
            profile_name=name,
            text=secret,
            at=at(2),
        ),
        at=at(2),
    )
    await publish(
        js,
        event_subject("exec", ws, execution),
        ws,
        ExecutionStarted(
            execution_id=execution,
            flow_id="welcome",
            flow_version=1,
            graph=FlowGraph(),
            contact=ContactSnapshot(contact_id=contact, name=name, phone=phone),
            trigger="any_inbound",
            reply={"text": secret},
            at=at(3),
        ),
        NodeEntered(node_id="ask_name", step=1, at=at(3)),
        at=at(3),
    )
    await publish(
        js,
        event_subject("exec", ws, execution),
        ws,
        ReplyAccepted(node_id="ask_name", text=name, at=at(4)),
        NodeEntered(node_id="thanks", step=2, at=at(4)),
        at=at(4),
    )
    command_id = f"{execution}:2"
    await publish(
        js,
        command_subject("messaging", ws, command_token(command_id)),
        ws,
        SendMessage(
            command_id=command_id,
            contact_id=contact,
            message={"kind": "text", "body": f"Thanks {name}, noted: {secret}"},
            execution_id=execution,
        ),
        at=at(5),
    )
    await publish(
        js,
        event_subject("messaging", ws, command_token(command_id)),
        ws,
        MessageRead(command_id=command_id, contact_id=contact, at=at(6)),
        at=at(6),
    )

    async def everything_projected() -> bool:
        held = await rows(engine, ws, contact)
        # crm's own consumers may add a row or two of theirs (a contact made from the message)
        return len(held["timeline"]) >= 8 and len(held["contact_activity"]) == 1

    await eventually(everything_projected, timeout=20)
    before = repr(await rows(engine, ws, contact))
    assert name in before  # the test can fail: the person's words were there
    assert secret in before

    # The erasure, as crm records it: the contacts projection's row, and the event.
    erased_at = at(10)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO crm.erased_contacts (workspace_id, contact_id, erased_at)"
                " VALUES (:ws, :c, :at) ON CONFLICT DO NOTHING"
            ),
            {"ws": ws, "c": contact, "at": erased_at},
        )
    await publish(
        js, crm_subject, ws, ContactErased(contact_id=contact, at=erased_at, by="m-1"), at=erased_at
    )
    # The same person writes again afterwards: that is theirs to see.
    again = unique("back again")
    await publish(
        js,
        event_subject("messaging", ws, contact),
        ws,
        InboundMessageReceived(
            message_id=unique("wamid"),
            channel_id="ch-1",
            contact_id=contact,
            phone=phone,
            text=again,
            at=at(20),
        ),
        at=at(20),
    )

    def forgotten(held: dict[str, list[Any]]) -> None:
        dump = repr(held["timeline"]) + repr(held["contact_activity"])
        assert name not in dump
        assert phone not in dump
        assert secret not in dump
        # crm makes the contact again from the new message: that row may be there too.
        assert [
            (row["kind"], row["at"]) for row in held["timeline"] if row["kind"] != "contact_created"
        ] == [("erased", erased_at), ("message_in", at(20))]
        assert all(row["at"] > erased_at for row in held["timeline"][1:])
        [message] = [row for row in held["timeline"] if row["kind"] == "message_in"]
        assert again in message["summary"]
        [activity] = held["contact_activity"]
        assert (activity["first_inbound_at"], activity["last_inbound_at"]) == (at(20), at(20))

    async def erased_live() -> bool:
        held = await rows(engine, ws, contact)
        kinds = [row["kind"] for row in held["timeline"]]
        return kinds[:1] == ["erased"] and "message_in" in kinds

    await eventually(erased_live, timeout=20)
    forgotten(await rows(engine, ws, contact))

    rebuilt = [runner for runner in crm.projections if runner.name in PROJECTIONS]
    assert {runner.name for runner in rebuilt} == PROJECTIONS
    for runner in rebuilt:
        await runner.rebuild()

    forgotten(await rows(engine, ws, contact))
    page = await ask(nc, ws, GetContactTimeline(contact_id=contact), TimelinePage)
    assert [item.summary for item in page.items if item.kind != "contact_created"] == [
        "Personal data erased",
        f"Received: {again}",
    ]


async def test_an_erasure_behind_newer_messages_and_a_late_webhook_from_before_it(
    crm: Service, js: JetStreamContext, engine: AsyncEngine, unique: Callable[[str], str]
) -> None:
    """The messaging projections may be ahead of the erasure (a message after it already
    counted) or behind it (a webhook of an older message arriving late): either way only what
    happened after the erasure stays."""
    ws, contact = unique("ws"), unique("c")
    t0 = datetime.now(UTC) - timedelta(hours=1)

    def at(minutes: int) -> datetime:
        return t0 + timedelta(minutes=minutes)

    async def inbound(minutes: int) -> None:
        message = InboundMessageReceived(
            message_id=unique(f"wamid-{minutes}"),
            channel_id="ch-1",
            contact_id=contact,
            text=f"said at {minutes}",
            at=at(minutes),
        )
        await publish(js, event_subject("messaging", ws, contact), ws, message, at=at(minutes))

    async def state() -> tuple[list[str], list[tuple[datetime, datetime]]]:
        held = await rows(engine, ws, contact)
        said = [row["summary"] for row in held["timeline"] if row["kind"] != "contact_created"]
        spans = [(a["first_inbound_at"], a["last_inbound_at"]) for a in held["contact_activity"]]
        return said, spans

    async def reaches(expected: tuple[list[str], list[tuple[datetime, datetime]]]) -> None:
        async def there() -> bool:
            return await state() == expected

        await eventually(there, timeout=20)

    await inbound(2)
    await inbound(20)
    await reaches((["Received: said at 2", "Received: said at 20"], [(at(2), at(20))]))

    event = ContactErased(contact_id=contact, at=at(10))
    await publish(js, event_subject("crm", ws, contact), ws, event, at=at(10))
    await reaches((["Personal data erased", "Received: said at 20"], [(at(20), at(20))]))

    await inbound(5)  # from before the erasure, delivered after it
    await inbound(25)
    await reaches(
        (
            ["Personal data erased", "Received: said at 20", "Received: said at 25"],
            [(at(20), at(25))],
        )
    )
