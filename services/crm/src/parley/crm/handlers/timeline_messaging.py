"""The messaging part of contacts' timelines (`origin` messaging): every message in, every
message out (the SendMessage command holds its content) and every status of one.

MESSAGING is a busy stream, so a fetched batch costs three statements: the erasure locks, one
look-up of which of the batch's contacts were erased, and one insert. Anything that happened
at or before a contact's erasure is dropped here, also when the stream is replayed.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.messaging.commands import SendMessage
from parley.contracts.messaging.events import (
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
    MessageRead,
    MessageSent,
)
from parley.contracts.streams import MESSAGING
from parley.crm.adapters import timeline_erasures, timeline_store
from parley.crm.adapters.timeline_store import Origin
from parley.crm.domain.timeline_entries import after_erasure, messaging_entry
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

ORIGIN: Origin = "messaging"
CONSUMER = ConsumerSpec(
    stream=MESSAGING.name,
    durable="crm-timeline-messaging",
    # Sends are commands (messaging.cmd), messages in and statuses are events (messaging.evt).
    filter_subjects=("messaging.evt.>", "messaging.cmd.>"),
    max_deliver=10,
    fetch_batch=256,
)


class MessagingTimeline:
    name = "timeline_messaging"
    # What it writes anything for; the rest of the stream is passed over undecoded.
    handles = frozenset(
        m.wire_name
        for m in (
            InboundMessageReceived,
            SendMessage,
            MessageSent,
            MessageDelivered,
            MessageRead,
            MessageFailed,
        )
    )

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await timeline_store.reset(conn, schema, ORIGIN)

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        await self.apply_batch(conn, schema, [event])

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        entries = [
            entry
            for event in events
            if (entry := messaging_entry(event.envelope, event.message)) is not None
        ]
        if not entries:
            return
        erased = await timeline_erasures.erased_among(conn, schema, (e.contact for e in entries))
        await timeline_store.insert(conn, schema, ORIGIN, after_erasure(entries, erased))
