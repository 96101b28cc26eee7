"""The `timeline` table: rows written by three projections, one per stream (`origin`), and
read a page at a time in the order things happened."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.crm.domain.timeline_entries import TimelineEntry

# The stream a row came from: each projection resets only its own rows on a rebuild.
Origin = Literal["crm", "messaging", "flow_engine"]


async def insert(
    conn: AsyncConnection, schema: str, origin: Origin, entries: Sequence[TimelineEntry]
) -> None:
    """Write the rows; a row already there (the same event seen again) is left as it is."""
    if not entries:
        return
    await conn.execute(
        text(
            f'INSERT INTO "{schema}".timeline (event_id, workspace_id, contact_id, at, origin,'
            " kind, summary, detail, source) VALUES (:event_id, :workspace_id, :contact_id,"
            " :at, :origin, :kind, :summary, CAST(:detail AS jsonb), :source)"
            " ON CONFLICT (event_id) DO NOTHING"
        ),
        [
            {
                "event_id": e.event_id,
                "workspace_id": e.workspace_id,
                "contact_id": e.contact_id,
                "at": e.at,
                "origin": origin,
                "kind": e.kind,
                "summary": e.summary,
                "detail": json.dumps(e.detail),
                "source": e.source,
            }
            for e in entries
        ],
    )


async def reset(conn: AsyncConnection, schema: str, origin: Origin) -> None:
    await conn.execute(
        text(f'DELETE FROM "{schema}".timeline WHERE origin = :origin'), {"origin": origin}
    )


async def forget_contact(
    conn: AsyncConnection, schema: str, workspace_id: str, contact_id: str, erased_at: datetime
) -> None:
    """Delete what the timeline and the activity hold of a contact up to its erasure, from
    every stream. Earlier erasure rows stay: they hold nothing personal and say it happened."""
    key = {"ws": workspace_id, "c": contact_id, "at": erased_at}
    await conn.execute(
        text(
            f'DELETE FROM "{schema}".timeline WHERE workspace_id = :ws AND contact_id = :c'
            " AND at <= :at AND kind <> 'erased'"
        ),
        key,
    )
    # A message written after the erasure may already be counted (the activity projection
    # reads another stream, at its own pace): its row stays, starting at the first message
    # after the erasure the timeline knows of, or at the latest one.
    await conn.execute(
        text(
            f'UPDATE "{schema}".contact_activity AS a SET first_inbound_at = COALESCE('
            f' (SELECT min(t.at) FROM "{schema}".timeline AS t'
            "   WHERE t.workspace_id = a.workspace_id AND t.contact_id = a.contact_id"
            "   AND t.kind = 'message_in' AND t.at > :at),"
            " a.last_inbound_at)"
            " WHERE a.workspace_id = :ws AND a.contact_id = :c"
            " AND a.first_inbound_at <= :at AND a.last_inbound_at > :at"
        ),
        key,
    )
    await conn.execute(
        text(
            f'DELETE FROM "{schema}".contact_activity WHERE workspace_id = :ws'
            " AND contact_id = :c AND last_inbound_at <= :at"
        ),
        key,
    )


async def page(
    conn: AsyncConnection,
    schema: str,
    workspace_id: str,
    contact_id: str,
    *,
    after: tuple[datetime, str] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Up to `limit` rows of the contact after the (at, event_id) position, oldest first."""
    where = "workspace_id = :ws AND contact_id = :c"
    params: dict[str, Any] = {"ws": workspace_id, "c": contact_id, "n": limit}
    if after is not None:
        where += " AND (at, event_id) > (:at, :id)"
        params["at"], params["id"] = after
    result = await conn.execute(
        text(
            f"SELECT event_id, at, kind, summary, detail, source"
            f' FROM "{schema}".timeline WHERE {where} ORDER BY at, event_id LIMIT :n'
        ),
        params,
    )
    return [dict(row._mapping) for row in result]
