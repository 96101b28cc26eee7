"""`contact_activity`: when each contact first and last wrote in, from messaging's
InboundMessageReceived. Segments filter on it ("wrote in the last 7 days") and contact views
show it.

A projection of its own (not part of the messaging timeline), so rebuilding one never wipes
the other. Webhooks arrive out of order: first is the minimum, last the maximum. A message at
or before the contact's erasure is not counted, also on replay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.messaging.events import InboundMessageReceived
from parley.contracts.streams import MESSAGING
from parley.crm.adapters import activity_store, timeline_erasures
from parley.crm.domain.timeline_entries import ContactKey, erasure_allows
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=MESSAGING.name,
    durable="crm-contact-activity",
    filter_subjects=("messaging.evt.>",),
    max_deliver=10,
    fetch_batch=256,
)


class ContactActivity:
    name = "contact_activity"
    # What it writes anything for; the rest of the stream is passed over undecoded.
    handles = frozenset({InboundMessageReceived.wire_name})

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await activity_store.reset(conn, schema)

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        await self.apply_batch(conn, schema, [event])

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        inbound = [
            ((e.envelope.workspace_id, e.message.contact_id), e.message.at)
            for e in events
            if isinstance(e.message, InboundMessageReceived)
        ]
        if not inbound:
            return
        erased = await timeline_erasures.erased_among(conn, schema, (c for c, _ in inbound))
        spans: dict[ContactKey, tuple[datetime, datetime]] = {}
        for contact, at in inbound:
            if not erasure_allows(contact, at, erased):
                continue
            first, last = spans.get(contact, (at, at))
            spans[contact] = (min(first, at), max(last, at))
        await activity_store.widen(conn, schema, spans)
