"""Projects SegmentSaved and SegmentDeleted into `segments`; every other crm event is ignored.

Applied inside the checkpoint's transaction by the runtime's ProjectionRunner, so each event
takes effect exactly once; `reset` empties the table for a rebuild from the stream.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.crm.events import SegmentDeleted, SegmentSaved
from parley.contracts.streams import CRM
from parley.crm.adapters.tables import in_schema, segments
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

# Segment ids carry no fixed subject prefix the filter could name, so the projection reads all
# of crm's events and keeps only the two kinds it knows.
CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="crm-segments-read-model",
    filter_subjects=("crm.evt.>",),
    max_deliver=10,
)


class SegmentReadModel:
    name = "segments"
    handles = frozenset({SegmentSaved.wire_name, SegmentDeleted.wire_name})

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await conn.execute(sa.text(f'TRUNCATE "{schema}".segments'))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        message = event.message
        if not isinstance(message, SegmentSaved | SegmentDeleted):
            return
        workspace_id = event.envelope.workspace_id
        conn = await in_schema(conn, schema)
        if isinstance(message, SegmentDeleted):
            await conn.execute(
                segments.delete().where(
                    segments.c.workspace_id == workspace_id,
                    segments.c.segment_id == message.segment_id,
                )
            )
            return
        row = {
            "workspace_id": workspace_id,
            "segment_id": message.segment_id,
            "name": message.name,
            "filter": message.filter.model_dump(mode="json"),
            "created_at": message.at,
            "updated_at": message.at,
        }
        upsert = insert(segments).values(row)
        await conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[segments.c.workspace_id, segments.c.segment_id],
                set_={
                    "name": upsert.excluded.name,
                    "filter": upsert.excluded.filter,
                    "updated_at": upsert.excluded.updated_at,
                },
            )
        )
