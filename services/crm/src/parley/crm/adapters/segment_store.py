"""Reads of the `segments` and `custom_fields` read models that segment handlers need.

Every read names its workspace; the connection comes already pointed at the schema
(`tables.in_schema`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.segment_queries import SegmentView
from parley.crm.adapters.tables import custom_fields, segments


async def field_definitions(conn: AsyncConnection, workspace_id: str) -> dict[str, FieldDefinition]:
    rows = await conn.execute(
        sa.select(custom_fields).where(custom_fields.c.workspace_id == workspace_id)
    )
    return {
        row.key: FieldDefinition(
            key=row.key, label=row.label, type=row.type, choices=tuple(row.choices or ())
        )
        for row in rows
    }


async def saved_segment(
    conn: AsyncConnection, workspace_id: str, segment_id: str
) -> SegmentView | None:
    row = (
        await conn.execute(
            sa.select(segments).where(
                segments.c.workspace_id == workspace_id, segments.c.segment_id == segment_id
            )
        )
    ).first()
    return _view(row._mapping) if row is not None else None


async def segment_page(
    conn: AsyncConnection, workspace_id: str, limit: int, after: tuple[datetime, str] | None
) -> list[SegmentView]:
    """Most recently changed first (the `segments_updated` index), `limit` of them after
    the (updated_at, segment_id) position `after`."""
    query = sa.select(segments).where(segments.c.workspace_id == workspace_id)
    if after is not None:
        query = query.where(sa.tuple_(segments.c.updated_at, segments.c.segment_id) < after)
    query = query.order_by(segments.c.updated_at.desc(), segments.c.segment_id.desc())
    return [_view(row._mapping) for row in await conn.execute(query.limit(limit))]


def _view(row: sa.RowMapping) -> SegmentView:
    return SegmentView.model_validate(
        {key: row[key] for key in ("segment_id", "name", "filter", "created_at", "updated_at")}
    )
