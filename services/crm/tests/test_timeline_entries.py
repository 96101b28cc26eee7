"""The rows each event makes on a contact's timeline, and what an erasure lets through. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from parley.contracts.crm.events import (
    ContactCreated,
    ContactErased,
    ContactOptedOut,
    ContactStageChanged,
    ContactTagsChanged,
    ContactUpdated,
    SegmentSaved,
)
from parley.contracts.crm.segments import SegmentFilter
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import (
    ContactSnapshot,
    ExecutionFailed,
    ExecutionStarted,
    NodeEntered,
    VariableAssigned,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.messaging.events import (
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
)
from parley.crm.domain.timeline_entries import (
    FlowRun,
    TimelineEntry,
    after_erasure,
    crm_entry,
    flow_entry,
    messaging_entry,
    one_line,
    run_of,
)

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
WS = "ws-1"
RUN = FlowRun(execution_id="e-1", contact_id="c-1", flow_id="welcome", flow_version=3)


def env(message: Message) -> Envelope:
    return Envelope.wrap(message, workspace_id=WS, occurred_at=AT)


def crm(message: Message) -> TimelineEntry:
    entry = crm_entry(env(message), message)
    assert entry is not None
    return entry


def msg(message: Message) -> TimelineEntry:
    entry = messaging_entry(env(message), message)
    assert entry is not None
    return entry


def test_contact_events_read_as_one_line_each() -> None:
    tagged = crm(ContactTagsChanged(contact_id="c-1", added=("vip", "lead"), at=AT))
    assert (tagged.kind, tagged.summary) == ("tags_changed", "Tagged vip, lead")
    assert tagged.detail == {"added": ["vip", "lead"]}
    both = crm(ContactTagsChanged(contact_id="c-1", added=("vip",), removed=("cold",), at=AT))
    assert both.summary == "Tagged vip; untagged cold"
    out = crm(ContactOptedOut(contact_id="c-1", source="keyword:stop", at=AT))
    assert (out.kind, out.summary) == ("opted_out", "Opted out (keyword stop)")
    stage = crm(ContactStageChanged(contact_id="c-1", stage="customer", previous="lead", at=AT))
    assert stage.summary == "Stage lead → customer"
    created = crm(ContactCreated(contact_id="c-1", name="Ada", source="inbound", at=AT))
    assert created.summary == "Created from an inbound message"
    assert created.source == "crm.ContactCreated"
    assert created.event_id
    assert created.workspace_id == WS
    assert created.at == AT


def test_profile_changes_name_what_changed_not_the_personal_values() -> None:
    updated = crm(
        ContactUpdated(contact_id="c-1", name="Ada Lovelace", set_fields={"plan": "gold"}, at=AT)
    )
    assert updated.summary == "Updated name; set plan"
    assert "Ada" not in repr(updated)
    assert "gold" not in repr(updated)


def test_an_erasure_leaves_a_row_without_personal_data_and_other_crm_events_none() -> None:
    erased = crm(ContactErased(contact_id="c-1", at=AT, by="member-7"))
    assert (erased.kind, erased.summary, erased.detail) == (
        "erased",
        "Personal data erased",
        {"by": "member-7"},
    )
    segment = SegmentSaved(segment_id="seg-1", name="VIPs", filter=SegmentFilter(), at=AT)
    assert crm_entry(env(segment), segment) is None


def test_messages_in_and_out_and_their_statuses() -> None:
    long_text = "hello " * 30
    received = msg(
        InboundMessageReceived(
            message_id="wamid.1",
            channel_id="ch-1",
            contact_id="c-1",
            phone="4915112345678",
            profile_name="Ada",
            text=long_text,
            at=AT,
        )
    )
    assert received.kind == "message_in"
    assert received.summary == "Received: " + one_line(long_text)
    assert len(received.summary) == len("Received: ") + 80
    assert received.summary.endswith("…")
    assert "4915112345678" not in repr(received)
    assert "Ada" not in repr(received)
    template = msg(
        SendMessage(
            command_id="e-1:4",
            contact_id="c-1",
            message={"kind": "template", "name": "order_update", "language": "en_US"},
        )
    )
    assert (template.kind, template.summary) == ("message_out", "Sent template order_update")
    assert template.at == AT  # a command's time is its envelope's
    text = msg(
        SendMessage(command_id="x", contact_id="c-1", message={"kind": "text", "body": "Hi"})
    )
    assert text.summary == "Sent: Hi"
    delivered = msg(MessageDelivered(command_id="e-1:4", contact_id="c-1", at=AT))
    assert (delivered.kind, delivered.summary) == ("message_status", "Delivered")
    failed = msg(
        MessageFailed(
            command_id="e-1:4",
            contact_id="c-1",
            code="131026",
            reason="Message undeliverable",
            at=AT,
        )
    )
    assert failed.summary == "Failed: 131026 Message undeliverable"
    assert failed.detail["code"] == "131026"


def test_flow_steps_name_the_flow_version_and_node() -> None:
    started = ExecutionStarted(
        execution_id="e-1",
        flow_id="welcome",
        flow_version=3,
        graph=FlowGraph(),
        contact=ContactSnapshot(contact_id="c-1", name="Ada", phone="+4915112345678"),
        trigger="keyword",
        at=AT,
    )
    run = run_of(started)
    assert run == RUN
    start = flow_entry(env(started), started, run)
    assert start is not None
    assert start.summary == "Flow welcome v3 started (keyword)"
    assert "Ada" not in repr(start)
    assert "4915112345678" not in repr(start)
    entered = NodeEntered(node_id="ask_name", step=2, at=AT)
    step = flow_entry(env(entered), entered, RUN)
    assert step is not None
    assert (step.kind, step.summary, step.contact_id) == (
        "flow_step",
        "Flow welcome v3: ask_name",
        "c-1",
    )
    failed = ExecutionFailed(node_id="ask_name", reason="too many retries", at=AT)
    ended = flow_entry(env(failed), failed, RUN)
    assert ended is not None
    assert ended.summary == "Flow welcome v3 failed: too many retries"
    assigned = VariableAssigned(node_id="n", name="x", value=1)
    assert flow_entry(env(assigned), assigned, RUN) is None


def test_erasure_drops_what_happened_up_to_it_and_keeps_what_came_after() -> None:
    def at(minutes: int) -> TimelineEntry:
        return TimelineEntry(
            event_id=str(minutes),
            workspace_id=WS,
            contact_id="c-1",
            at=AT + timedelta(minutes=minutes),
            kind="message_in",
            summary="Received: hi",
            source="messaging.InboundMessageReceived",
        )

    other = TimelineEntry(
        event_id="o",
        workspace_id=WS,
        contact_id="c-2",
        at=AT - timedelta(days=1),
        kind="message_in",
        summary="Received: hi",
        source="messaging.InboundMessageReceived",
    )
    kept = after_erasure([at(-1), at(0), at(1), other], {(WS, "c-1"): AT})
    assert [e.event_id for e in kept] == ["1", "o"]
    # The same contact id in another workspace is someone else.
    assert len(after_erasure([at(-1)], {("ws-2", "c-1"): AT})) == 1
