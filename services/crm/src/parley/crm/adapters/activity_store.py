"""`contact_activity`: when each contact first and last wrote in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.crm.domain.timeline_entries import ContactKey


async def widen(
    conn: AsyncConnection, schema: str, spans: Mapping[ContactKey, tuple[datetime, datetime]]
) -> None:
    """Widen each contact's (first, last) inbound span to include the given one. Webhooks
    arrive out of order, so the first is the earliest seen and the last the latest."""
    if not spans:
        return
    await conn.execute(
        text(
            f'INSERT INTO "{schema}".contact_activity AS a (workspace_id, contact_id,'
            " first_inbound_at, last_inbound_at) VALUES (:ws, :c, :first, :last)"
            " ON CONFLICT (workspace_id, contact_id) DO UPDATE SET"
            " first_inbound_at = LEAST(a.first_inbound_at, EXCLUDED.first_inbound_at),"
            " last_inbound_at = GREATEST(a.last_inbound_at, EXCLUDED.last_inbound_at)"
        ),
        [
            {"ws": ws, "c": contact, "first": first, "last": last}
            for (ws, contact), (first, last) in sorted(spans.items())
        ],
    )


async def reset(conn: AsyncConnection, schema: str) -> None:
    await conn.execute(text(f'TRUNCATE "{schema}".contact_activity'))
