"""What a contact's timeline shows of an event: the rows it makes, each with one line to read.

Pure: an event (with its envelope) in, timeline entries out. Rows carry what a person looking
at the contact wants to see (what was said, sent, changed, which flow step ran) and never the
contact's phone or profile name; message text lives in the row because it is the conversation,
and the erasure deletes those rows. Which stream an entry came from (its origin) is the
projection's business, not this module's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parley.contracts.crm.events import (
    ContactCreated,
    ContactErased,
    ContactOptedIn,
    ContactOptedOut,
    ContactStageChanged,
    ContactTagsChanged,
    ContactUpdated,
)
from parley.contracts.crm.queries import TimelineKind
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import (
    ExecutionCancelled,
    ExecutionCompleted,
    ExecutionFailed,
    ExecutionStarted,
    HandoverReleased,
    HandoverStarted,
    MovedToNode,
    NodeEntered,
)
from parley.contracts.messages import Message
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.messaging.events import (
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
    MessageRead,
    MessageSent,
)

SUMMARY_TEXT = 80  # how much of a message's text its summary line quotes
_LINE = 200  # longest summary of anything else (a failure reason, a list of tags)

ContactKey = tuple[str, str]  # (workspace_id, contact_id)


@dataclass(frozen=True)
class TimelineEntry:
    event_id: str
    workspace_id: str
    contact_id: str
    at: datetime
    kind: TimelineKind
    summary: str
    source: str  # the event's wire name
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def contact(self) -> ContactKey:
        return (self.workspace_id, self.contact_id)


@dataclass(frozen=True)
class FlowRun:
    """What the timeline needs of an execution, learnt from its ExecutionStarted."""

    execution_id: str
    contact_id: str
    flow_id: str
    flow_version: int

    @property
    def label(self) -> str:
        return f"Flow {self.flow_id} v{self.flow_version}"


def one_line(text: str, limit: int = SUMMARY_TEXT) -> str:
    """`text` on one line (whitespace collapsed), cut at `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _entry(
    envelope: Envelope,
    contact_id: str,
    at: datetime,
    kind: TimelineKind,
    summary: str,
    detail: dict[str, Any],
) -> TimelineEntry:
    return TimelineEntry(
        event_id=str(envelope.event_id),
        workspace_id=envelope.workspace_id,
        contact_id=contact_id,
        at=at,
        kind=kind,
        summary=one_line(summary, _LINE),
        source=envelope.type,
        detail={k: v for k, v in detail.items() if v not in (None, "", (), [], {})},
    )


# -- crm ---------------------------------------------------------------------------------------

_CREATED_FROM = {
    "inbound": "Created from an inbound message",
    "import": "Created by an import",
    "scraper": "Created from a captured lead",
    "api": "Created",
}


def crm_entry(envelope: Envelope, message: Message) -> TimelineEntry | None:
    """The row of a contact event; None for crm events that are not about one contact."""
    detail: dict[str, Any]
    if isinstance(message, ContactCreated):
        summary = _CREATED_FROM.get(message.source, "Created")
        if message.tags:
            summary += f", tagged {', '.join(message.tags)}"
        detail = {"source": message.source, "stage": message.stage, "tags": list(message.tags)}
        return _entry(envelope, message.contact_id, message.at, "contact_created", summary, detail)
    if isinstance(message, ContactUpdated):
        return _updated(envelope, message)
    if isinstance(message, ContactTagsChanged):
        parts = []
        if message.added:
            parts.append(f"Tagged {', '.join(message.added)}")
        if message.removed:
            parts.append(f"{'untagged' if parts else 'Untagged'} {', '.join(message.removed)}")
        detail = {
            "added": list(message.added),
            "removed": list(message.removed),
            "execution_id": message.execution_id,
        }
        summary = "; ".join(parts) or "Tags unchanged"
        return _entry(envelope, message.contact_id, message.at, "tags_changed", summary, detail)
    if isinstance(message, ContactStageChanged):
        summary = f"Stage {message.previous} → {message.stage}"
        detail = {"stage": message.stage, "previous": message.previous}
        return _entry(envelope, message.contact_id, message.at, "stage_changed", summary, detail)
    if isinstance(message, ContactOptedIn):
        summary = "Opted in" + (f" ({_readable(message.source)})" if message.source else "")
        detail = {"source": message.source, "channel": message.channel}
        return _entry(envelope, message.contact_id, message.at, "opted_in", summary, detail)
    if isinstance(message, ContactOptedOut):
        summary = "Opted out" + (f" ({_readable(message.source)})" if message.source else "")
        detail = {"source": message.source, "channel": message.channel}
        return _entry(envelope, message.contact_id, message.at, "opted_out", summary, detail)
    if isinstance(message, ContactErased):
        return erased_entry(envelope, message)
    return None


def erased_entry(envelope: Envelope, message: ContactErased) -> TimelineEntry:
    """The one row an erasure leaves: that it happened, and who asked. No personal data."""
    detail = {"by": message.by}
    return _entry(
        envelope, message.contact_id, message.at, "erased", "Personal data erased", detail
    )


def _updated(envelope: Envelope, message: ContactUpdated) -> TimelineEntry:
    # Names of what changed, not the values: the contact's card shows those, and a row
    # quoting an old name would be one more copy of it.
    changed = [
        name
        for name in ("name", "language", "time_zone", "phone")
        if getattr(message, name) is not None
    ]
    parts = []
    if changed:
        parts.append("Updated " + ", ".join(name.replace("_", " ") for name in changed))
    if message.set_fields:
        parts.append("set " + ", ".join(sorted(message.set_fields)))
    if message.unset_fields:
        parts.append("cleared " + ", ".join(message.unset_fields))
    summary = "; ".join(parts) or "Updated"
    summary = summary[0].upper() + summary[1:]
    detail = {
        "changed": changed,
        "set_fields": sorted(message.set_fields),
        "unset_fields": list(message.unset_fields),
    }
    return _entry(envelope, message.contact_id, message.at, "contact_updated", summary, detail)


def _readable(source: str) -> str:
    """`keyword:stop` reads as `keyword stop`."""
    return source.replace(":", " ").replace("_", " ")


# -- messaging ---------------------------------------------------------------------------------

_STATUS_WORDS: dict[type[Message], str] = {
    MessageSent: "Sent",
    MessageDelivered: "Delivered",
    MessageRead: "Read",
}
_RECEIVED = {
    "location": "Received a location",
    "contacts": "Received contact cards",
    "reaction": "Received a reaction",
    "unsupported": "Received a message WhatsApp cannot show here",
}
_MEDIA = {
    "image": "an image",
    "document": "a document",
    "audio": "an audio message",
    "video": "a video",
    "sticker": "a sticker",
}


def messaging_entry(envelope: Envelope, message: Message) -> TimelineEntry | None:
    """The row of a message in, a message out (the SendMessage command) or a status."""
    if isinstance(message, InboundMessageReceived):
        return _inbound(envelope, message)
    if isinstance(message, SendMessage):
        return _outbound(envelope, message)
    if isinstance(message, MessageFailed):
        detail = _status_detail(message, "failed") | {
            "code": message.code,
            "reason": message.reason,
            "remedy": message.remedy,
        }
        summary = f"Failed: {message.code} {message.reason}"
        return _entry(envelope, message.contact_id, message.at, "message_status", summary, detail)
    word = _STATUS_WORDS.get(type(message))
    if word is not None and isinstance(message, MessageSent | MessageDelivered | MessageRead):
        detail = _status_detail(message, word.lower())
        return _entry(envelope, message.contact_id, message.at, "message_status", word, detail)
    return None


def _status_detail(
    message: MessageSent | MessageDelivered | MessageRead | MessageFailed, status: str
) -> dict[str, Any]:
    return {
        "status": status,
        "command_id": message.command_id,
        "execution_id": message.execution_id,
    }


def _inbound(envelope: Envelope, message: InboundMessageReceived) -> TimelineEntry:
    media_kind = str(message.media.get("kind", "")) if message.media else ""
    if message.text:
        summary = f"Received: {one_line(message.text)}"
    elif message.message_type == "media":
        summary = f"Received {_MEDIA.get(media_kind, 'a media message')}"
    else:
        summary = _RECEIVED.get(message.message_type, "Received a message")
    detail = {
        "message_type": message.message_type,
        "text": message.text,
        "button_id": message.button_id,
        "media_kind": media_kind,
        "message_id": message.message_id,
        "channel_id": message.channel_id,
    }
    return _entry(envelope, message.contact_id, message.at, "message_in", summary, detail)


def _outbound(envelope: Envelope, command: SendMessage) -> TimelineEntry:
    content = command.message
    kind = str(content.get("kind", ""))
    text = str(content.get("body") or content.get("caption") or "")
    if kind == "template":
        summary = f"Sent template {content.get('name', '')}".rstrip()
    elif kind == "media" and not text:
        summary = f"Sent {_MEDIA.get(str(content.get('media_type', '')), 'a media message')}"
    elif text:
        summary = f"Sent: {one_line(text)}"
    else:
        summary = "Sent a message"
    buttons = [b.get("title", "") for b in content.get("buttons", ()) if isinstance(b, dict)]
    detail = {
        "kind": kind,
        "text": text,
        "template": content.get("name") if kind == "template" else None,
        "language": content.get("language") if kind == "template" else None,
        "buttons": buttons,
        "command_id": command.command_id,
        "execution_id": command.execution_id,
        "node_id": command.node_id,
    }
    # A command has no time of its own: it was issued when its envelope says.
    return _entry(
        envelope, command.contact_id, envelope.occurred_at, "message_out", summary, detail
    )


# -- flows -------------------------------------------------------------------------------------


# The execution events a timeline shows (see `flow_entry`); the rest need no lookup at all.
FLOW_EVENTS_SHOWN: tuple[type[Message], ...] = (
    ExecutionStarted,
    NodeEntered,
    HandoverStarted,
    HandoverReleased,
    MovedToNode,
    ExecutionCompleted,
    ExecutionFailed,
    ExecutionCancelled,
)


def run_of(started: ExecutionStarted) -> FlowRun:
    return FlowRun(
        execution_id=started.execution_id,
        contact_id=started.contact.contact_id,
        flow_id=started.flow_id,
        flow_version=started.flow_version,
    )


def flow_entry(envelope: Envelope, message: Message, run: FlowRun) -> TimelineEntry | None:
    """The row of an execution event a person cares about: the start, each node entered, a
    handover, a move, and the end. Conditions, variables, timers and calls stay in the
    execution's own log (the flow inspector shows them)."""
    label = run.label
    base: dict[str, Any] = {"execution_id": run.execution_id}
    at = getattr(message, "at", None) or envelope.occurred_at
    summary: str
    if isinstance(message, ExecutionStarted):
        summary = f"{label} started ({message.trigger})" if message.trigger else f"{label} started"
        base |= {"flow_id": run.flow_id, "flow_version": run.flow_version}
        base |= {"trigger": message.trigger}
    elif isinstance(message, NodeEntered):
        summary = f"{label}: {message.node_id}"
        base |= {"node_id": message.node_id, "step": message.step}
    elif isinstance(message, HandoverStarted):
        summary = f"{label}: handed over to a person at {message.node_id}"
        base |= {"node_id": message.node_id}
    elif isinstance(message, HandoverReleased):
        summary = f"{label}: handed back" + (f" by {message.by}" if message.by else "")
    elif isinstance(message, MovedToNode):
        summary = f"{label}: moved to {message.node_id}" + (
            f" by {message.by}" if message.by else ""
        )
        base |= {"node_id": message.node_id}
    elif isinstance(message, ExecutionCompleted):
        summary = f"{label} completed"
        base |= {"node_id": message.node_id, "status": "completed"}
    elif isinstance(message, ExecutionFailed):
        summary = f"{label} failed: {message.reason}"
        base |= {"node_id": message.node_id, "status": "failed", "reason": message.reason}
    elif isinstance(message, ExecutionCancelled):
        summary = f"{label} cancelled" + (f": {message.reason}" if message.reason else "")
        base |= {"status": "cancelled", "reason": message.reason}
    else:
        return None
    return _entry(envelope, run.contact_id, at, "flow_step", summary, base)


# -- erasure -----------------------------------------------------------------------------------


def after_erasure(
    entries: Iterable[TimelineEntry], erased: Mapping[ContactKey, datetime]
) -> list[TimelineEntry]:
    """The entries an erasure allows: none that happened at or before the contact's erasure
    (an older event of another stream, seen again in a replay, must not bring data back); a
    message the same person sends afterwards is theirs to see again."""
    return [entry for entry in entries if erasure_allows(entry.contact, entry.at, erased)]


def erasure_allows(
    contact: ContactKey, at: datetime, erased: Mapping[ContactKey, datetime]
) -> bool:
    erased_at = erased.get(contact)
    return erased_at is None or at > erased_at
