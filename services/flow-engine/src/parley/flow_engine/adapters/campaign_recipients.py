"""A campaign's recipients in Postgres: the audience written at launch, taken by the dispatcher.

A recipient moves pending -> claimed -> dispatched, or pending -> skipped (opted out while
waiting). The dispatcher claims a batch (committed) before publishing it and marks it dispatched
after; a dispatcher that dies in between leaves claimed rows, which the next leader publishes
again, and the command's Nats-Msg-Id and messaging's ledger make the second publish a no-op.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.crm.segment_queries import SegmentMember
from parley.flow_engine.domain.campaigns.content import contact_scope


@dataclass(frozen=True)
class Recipient:
    contact_id: str
    phone: str
    user_id: str
    profile: dict[str, Any]  # the contact scope its message is rendered with
    execution_id: str | None = None


class CampaignRecipients:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._table = f'"{schema}".campaign_recipients'

    async def add(self, workspace_id: str, campaign_id: str, members: list[SegmentMember]) -> None:
        """Write a page of the audience; a page written before (a retried launch) adds nothing."""
        if not members:
            return
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f"INSERT INTO {self._table}"
                    " (workspace_id, campaign_id, contact_id, phone, user_id, profile)"
                    " SELECT :ws, :cid, c, p, u, j::jsonb FROM unnest("
                    " CAST(:c AS text[]), CAST(:p AS text[]), CAST(:u AS text[]),"
                    " CAST(:j AS text[])) AS t(c, p, u, j)"
                    " ON CONFLICT DO NOTHING"
                ),
                {
                    "ws": workspace_id,
                    "cid": campaign_id,
                    "c": [m.contact_id for m in members],
                    "p": [m.phone for m in members],
                    "u": [m.user_id for m in members],
                    "j": [json.dumps(contact_scope(m)) for m in members],
                },
            )

    async def discard(self, workspace_id: str, campaign_id: str) -> None:
        """Forget an audience written for a launch that was then refused."""
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f"DELETE FROM {self._table} WHERE workspace_id = :ws AND campaign_id = :cid"
                    " AND state = 'pending'"
                ),
                {"ws": workspace_id, "cid": campaign_id},
            )

    async def count(self, workspace_id: str, campaign_id: str) -> int:
        async with self._engine.connect() as conn:
            found = await conn.scalar(
                text(
                    f"SELECT count(*) FROM {self._table}"
                    " WHERE workspace_id = :ws AND campaign_id = :cid"
                ),
                {"ws": workspace_id, "cid": campaign_id},
            )
        return int(found or 0)

    async def claim(
        self, workspace_id: str, campaign_id: str, limit: int, now: datetime
    ) -> list[Recipient]:
        """Up to `limit` pending recipients, in contact id order, now claimed."""
        async with self._engine.begin() as conn:
            rows = await conn.execute(
                text(
                    # A CTE, evaluated once: as a subquery of UPDATE ... FROM, Postgres may
                    # rescan it for each row, and with SKIP LOCKED each rescan finds new rows.
                    f"WITH p AS MATERIALIZED (SELECT contact_id FROM {self._table}"
                    "  WHERE workspace_id = :ws AND campaign_id = :cid AND state = 'pending'"
                    "  ORDER BY contact_id LIMIT :n FOR UPDATE SKIP LOCKED)"
                    f" UPDATE {self._table} r SET state = 'claimed', dispatched_at = :now"
                    " FROM p WHERE r.workspace_id = :ws AND r.campaign_id = :cid"
                    " AND r.contact_id = p.contact_id"
                    " RETURNING r.contact_id, r.phone, r.user_id, r.profile"
                ),
                {"ws": workspace_id, "cid": campaign_id, "n": limit, "now": now},
            )
            found = [Recipient(r[0], r[1], r[2], r[3]) for r in rows]
        found.sort(key=lambda r: r.contact_id)
        return found

    async def claimed(self, workspace_id: str, campaign_id: str) -> list[Recipient]:
        """Recipients a previous dispatcher claimed and may not have published."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                text(
                    f"SELECT contact_id, phone, user_id, profile FROM {self._table}"
                    " WHERE workspace_id = :ws AND campaign_id = :cid AND state = 'claimed'"
                    " ORDER BY contact_id"
                ),
                {"ws": workspace_id, "cid": campaign_id},
            )
            return [Recipient(r[0], r[1], r[2], r[3]) for r in rows]

    async def dispatched(
        self,
        workspace_id: str,
        campaign_id: str,
        contact_ids: list[str],
        execution_ids: list[str | None] | None = None,
    ) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f"UPDATE {self._table} r SET state = 'dispatched',"
                    " execution_id = COALESCE(t.e, r.execution_id)"
                    " FROM unnest(CAST(:c AS text[]), CAST(:e AS text[])) AS t(c, e)"
                    " WHERE r.workspace_id = :ws AND r.campaign_id = :cid AND r.contact_id = t.c"
                ),
                {
                    "ws": workspace_id,
                    "cid": campaign_id,
                    "c": contact_ids,
                    "e": execution_ids or [None for _ in contact_ids],
                },
            )

    async def release(self, workspace_id: str, campaign_id: str, contact_ids: list[str]) -> None:
        """Claimed recipients put back (their campaign paused before they could be sent)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f"UPDATE {self._table} SET state = 'pending', dispatched_at = NULL"
                    " WHERE workspace_id = :ws AND campaign_id = :cid"
                    " AND contact_id = ANY(CAST(:c AS text[])) AND state = 'claimed'"
                ),
                {"ws": workspace_id, "cid": campaign_id, "c": contact_ids},
            )

    async def left(self, workspace_id: str, campaign_id: str) -> int:
        """How many are pending or claimed."""
        async with self._engine.connect() as conn:
            found = await conn.scalar(
                text(
                    f"SELECT count(*) FROM {self._table} WHERE workspace_id = :ws"
                    " AND campaign_id = :cid AND state IN ('pending', 'claimed')"
                ),
                {"ws": workspace_id, "cid": campaign_id},
            )
        return int(found or 0)

    async def dispatched_count(self, workspace_id: str, campaign_id: str) -> int:
        async with self._engine.connect() as conn:
            found = await conn.scalar(
                text(
                    f"SELECT count(*) FROM {self._table} WHERE workspace_id = :ws"
                    " AND campaign_id = :cid AND state = 'dispatched'"
                ),
                {"ws": workspace_id, "cid": campaign_id},
            )
        return int(found or 0)


# -- what messaging and crm report, applied by the projections (inside their transactions) ---

_STAGES = {
    "sent": "sent_at = COALESCE(sent_at, :at)",
    "delivered": "sent_at = COALESCE(sent_at, :at), delivered_at = COALESCE(delivered_at, :at)",
    "read": "sent_at = COALESCE(sent_at, :at), delivered_at = COALESCE(delivered_at, :at),"
    " read_at = COALESCE(read_at, :at)",
    "failed": "failed_code = COALESCE(failed_code, :code)",
}


async def record_status(
    conn: AsyncConnection,
    schema: str,
    workspace_id: str,
    *,
    status: str,
    at: datetime,
    code: str = "",
    campaign_id: str = "",
    contact_id: str = "",
    execution_id: str = "",
) -> None:
    """A status of a campaign's send (by campaign and contact) or of the execution a flow
    campaign started. Each stage keeps its first time, so statuses in any order add up."""
    where = (
        "workspace_id = :ws AND campaign_id = :cid AND contact_id = :contact"
        if campaign_id
        else "execution_id = :eid AND workspace_id = :ws"
    )
    await conn.execute(
        text(f'UPDATE "{schema}".campaign_recipients SET {_STAGES[status]} WHERE {where}'),
        {
            "ws": workspace_id,
            "cid": campaign_id,
            "contact": contact_id,
            "eid": execution_id,
            "at": at,
            "code": code,
        },
    )


async def record_reply(
    conn: AsyncConnection, schema: str, workspace_id: str, contact_id: str, at: datetime
) -> None:
    """The contact wrote after a campaign's message was sent: that campaign got a reply. The
    inbound time comes from WhatsApp in whole seconds, hence the second of slack."""
    await conn.execute(
        text(
            f'UPDATE "{schema}".campaign_recipients SET replied_at = CAST(:at AS timestamptz)'
            " WHERE workspace_id = :ws AND contact_id = :contact AND replied_at IS NULL"
            " AND sent_at IS NOT NULL"
            " AND sent_at <= CAST(:at AS timestamptz) + interval '1 second'"
            " AND sent_at > CAST(:at AS timestamptz) - interval '7 days'"
        ),
        {"ws": workspace_id, "contact": contact_id, "at": at},
    )


async def record_opt_out(
    conn: AsyncConnection, schema: str, workspace_id: str, contact_id: str, at: datetime
) -> None:
    """The contact opted out after the audience took them: counted, and skipped if still
    waiting for their message."""
    await conn.execute(
        text(
            f'UPDATE "{schema}".campaign_recipients SET opted_out_at = :at,'
            " reason = CASE WHEN state = 'pending' THEN 'opted_out' ELSE reason END,"
            " state = CASE WHEN state = 'pending' THEN 'skipped' ELSE state END"
            " WHERE workspace_id = :ws AND contact_id = :contact AND opted_out_at IS NULL"
            " AND added_at <= :at"
        ),
        {"ws": workspace_id, "contact": contact_id, "at": at},
    )
