"""A contact's timeline from the real streams: crm's contact events, messaging's messages in,
sends and statuses, and the flow engine's steps, published as those services publish them, read
back through `parley.q.crm.get-contact-timeline`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.crm.events import ContactCreated, ContactTagsChanged
from parley.contracts.crm.queries import GetContactTimeline, TimelineItem, TimelinePage
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import (
    ContactSnapshot,
    ExecutionCompleted,
    ExecutionStarted,
    NodeEntered,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.messaging.events import (
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
)
from parley.contracts.subjects import command_subject, event_subject
from parley.crm.testing.harness import QueryFailed, ask
from parley.runtime.eventstore import commits
from parley.runtime.eventstore.store import envelope_headers
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


async def publish(
    js: JetStreamContext, subject: str, workspace: str, *messages: Message, at: datetime
) -> list[str]:
    """One stored message holding `messages` (a commit when several), as the services write
    them; the event ids."""
    envelopes = [Envelope.wrap(m, workspace_id=workspace, occurred_at=at) for m in messages]
    await js.publish(
        subject, commits.encode(envelopes), headers=envelope_headers(envelopes[0], *envelopes[1:])
    )
    return [str(e.event_id) for e in envelopes]


async def timeline(
    nc: NatsClient, workspace: str, contact_id: str, *, count: int, limit: int = 50
) -> tuple[TimelineItem, ...]:
    """The first page once it holds at least `count` rows."""
    found: list[TimelinePage] = []

    async def filled() -> bool:
        page = await ask(
            nc, workspace, GetContactTimeline(contact_id=contact_id, limit=limit), TimelinePage
        )
        found[:] = [page]
        return len(page.items) >= count

    await eventually(filled, timeout=20)
    return found[0].items


async def test_a_timeline_holds_contact_changes_messages_and_flow_steps_in_time_order(
    crm: Service, nc: NatsClient, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws, contact, execution = unique("ws"), unique("c"), unique("e")
    t0 = datetime.now(UTC) - timedelta(hours=1)

    def at(minutes: int) -> datetime:
        return t0 + timedelta(minutes=minutes)

    command_id = f"{execution}:3"
    token = command_token(command_id)
    ids: list[str] = []
    # Published out of time order, stream by stream, as the three streams interleave.
    ids += await publish(
        js,
        event_subject("exec", ws, execution),
        ws,
        ExecutionStarted(
            execution_id=execution,
            flow_id="welcome",
            flow_version=3,
            graph=FlowGraph(),
            contact=ContactSnapshot(contact_id=contact, name="Ada"),
            trigger="keyword",
            at=at(3),
        ),
        NodeEntered(node_id="ask_name", step=1, at=at(3)),
        at=at(3),
    )
    send = SendMessage(
        command_id=command_id,
        contact_id=contact,
        message={"kind": "template", "name": "order_update", "language": "en_US"},
        execution_id=execution,
        node_id="ask_name",
    )
    ids += await publish(js, command_subject("messaging", ws, token), ws, send, at=at(4))
    ids += await publish(
        js,
        event_subject("messaging", ws, token),
        ws,
        MessageDelivered(command_id=command_id, contact_id=contact, at=at(5)),
        at=at(5),
    )
    ids += await publish(
        js,
        event_subject("messaging", ws, contact),
        ws,
        InboundMessageReceived(
            message_id=unique("wamid"),
            channel_id="ch-1",
            contact_id=contact,
            text="Ada here,   hello!",
            at=at(2),
        ),
        at=at(2),
    )
    ids += await publish(
        js,
        event_subject("crm", ws, contact),
        ws,
        ContactCreated(contact_id=contact, source="api", at=at(0)),
        at=at(0),
    )
    ids += await publish(
        js,
        event_subject("crm", ws, contact),
        ws,
        ContactTagsChanged(contact_id=contact, added=("vip", "lead"), at=at(1)),
        at=at(1),
    )
    failed_id = f"{execution}:9"
    ids += await publish(
        js,
        event_subject("messaging", ws, command_token(failed_id)),
        ws,
        MessageFailed(
            command_id=failed_id,
            contact_id=contact,
            code="131026",
            reason="Message undeliverable",
            at=at(6),
        ),
        at=at(6),
    )
    ids += await publish(
        js,
        event_subject("exec", ws, execution),
        ws,
        ExecutionCompleted(node_id="ask_name", at=at(7)),
        at=at(7),
    )

    items = await timeline(nc, ws, contact, count=len(ids))

    mine = [item for item in items if item.event_id in ids]  # crm may add rows of its own
    assert [(item.kind, item.summary) for item in mine] == [
        ("contact_created", "Created"),
        ("tags_changed", "Tagged vip, lead"),
        ("message_in", "Received: Ada here, hello!"),
        ("flow_step", "Flow welcome v3 started (keyword)"),
        ("flow_step", "Flow welcome v3: ask_name"),
        ("message_out", "Sent template order_update"),
        ("message_status", "Delivered"),
        ("message_status", "Failed: 131026 Message undeliverable"),
        ("flow_step", "Flow welcome v3 completed"),
    ]
    assert [item.at for item in items] == sorted(item.at for item in items)
    assert mine[4].detail == {"execution_id": execution, "node_id": "ask_name", "step": 1}
    assert mine[5].source == "messaging.SendMessage"
    assert mine[5].detail["command_id"] == command_id


async def test_pages_follow_each_other_and_a_bad_cursor_is_refused(
    crm: Service, nc: NatsClient, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws, contact, other = unique("ws"), unique("c"), unique("c2")
    t0 = datetime.now(UTC) - timedelta(hours=1)
    tags = [f"t{n}" for n in range(5)]
    for n, tag in enumerate(tags):
        when = t0 + timedelta(seconds=n)
        await publish(
            js,
            event_subject("crm", ws, contact),
            ws,
            ContactTagsChanged(contact_id=contact, added=(tag,), at=when),
            at=when,
        )
    await timeline(nc, ws, contact, count=5)

    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        page = await ask(
            nc,
            ws,
            GetContactTimeline(contact_id=contact, limit=2, cursor=cursor),
            TimelinePage,
        )
        pages += 1
        seen += [item.summary for item in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"Tagged {tag}" for tag in tags]
    assert pages == 3

    first = await ask(nc, ws, GetContactTimeline(contact_id=contact, limit=2), TimelinePage)
    assert first.next_cursor is not None
    for bad, contact_id in (("not-a-cursor", contact), (first.next_cursor, other)):
        with pytest.raises(QueryFailed) as refused:
            await ask(nc, ws, GetContactTimeline(contact_id=contact_id, cursor=bad), TimelinePage)
        assert refused.value.code == "400"
        assert refused.value.description.startswith("cursor: ")

    # The same contact id in another workspace has nothing.
    elsewhere = await ask(nc, unique("ws2"), GetContactTimeline(contact_id=contact), TimelinePage)
    assert elsewhere.items == ()
