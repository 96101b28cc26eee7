"""The crm part of contacts' timelines (`origin` crm), and erasure across every part.

Contact events become rows: created, updated, tags, stage, opt-in and opt-out. A ContactErased
deletes every row of the contact up to the erasure, whichever stream it came from, and its
inbound activity, records the erasure for the projections of the other streams, and leaves one
row saying it happened. Replayed, the same happens in the same order, so a rebuild of any
timeline projection ends with the same rows.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.crm.events import (
    ContactCreated,
    ContactErased,
    ContactOptedIn,
    ContactOptedOut,
    ContactStageChanged,
    ContactTagsChanged,
    ContactUpdated,
)
from parley.contracts.streams import CRM
from parley.crm.adapters import timeline_erasures, timeline_store
from parley.crm.adapters.timeline_store import Origin
from parley.crm.domain.timeline_entries import TimelineEntry, crm_entry, erased_entry
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

ORIGIN: Origin = "crm"
CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="crm-timeline-crm",
    filter_subjects=("crm.evt.>",),
    max_deliver=10,
)


class CrmTimeline:
    name = "timeline_crm"
    # What it writes anything for; the rest of the stream is passed over undecoded.
    handles = frozenset(
        m.wire_name
        for m in (
            ContactCreated,
            ContactUpdated,
            ContactTagsChanged,
            ContactStageChanged,
            ContactOptedIn,
            ContactOptedOut,
            ContactErased,
        )
    )

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await timeline_store.reset(conn, schema, ORIGIN)

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        await self.apply_batch(conn, schema, [event])

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        # Every lock of the batch first, in key order (see timeline_erasures).
        await timeline_erasures.lock_for_erasure(
            conn,
            [
                (e.envelope.workspace_id, e.message.contact_id)
                for e in events
                if isinstance(e.message, ContactErased)
            ],
        )
        pending: list[TimelineEntry] = []
        for event in events:
            message = event.message
            if isinstance(message, ContactErased):
                # What came before the erasure is written first, so the erasure removes it.
                await timeline_store.insert(conn, schema, ORIGIN, pending)
                pending = []
                ws = event.envelope.workspace_id
                await timeline_erasures.record_erasure(
                    conn, schema, ws, message.contact_id, message.at
                )
                await timeline_store.forget_contact(
                    conn, schema, ws, message.contact_id, message.at
                )
                await timeline_store.insert(
                    conn, schema, ORIGIN, [erased_entry(event.envelope, message)]
                )
                continue
            entry = crm_entry(event.envelope, message)
            if entry is not None:
                pending.append(entry)
        await timeline_store.insert(conn, schema, ORIGIN, pending)
