"""Campaigns as the queries read them: one row per campaign, and its live stats counted from its
recipients (each recipient's row holds the first time of each status, so the counts are exact
whatever order messaging's statuses arrived in)."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.campaigns.campaigns import (
    CampaignDefinition,
    CampaignStats,
    CampaignStatus,
    CampaignView,
)

# Refusals that are Meta's limits, not the contact's or the message's fault.
LIMITED_BY_META = ("130429", "131056", "131049", "131064", "131048", "80007", "4")

_COLUMNS = (
    "campaign_id, definition, status, scheduled_at, launched_at, finished_at, created_at,"
    " updated_at, rate_per_second, targeted, excluded_without_opt_in, excluded_opted_out,"
    " paused_reason"
)


class CursorInvalid(ValueError):
    pass


def encode_cursor(created_at: datetime, campaign_id: str, status: str | None) -> str:
    raw = json.dumps([created_at.isoformat(), campaign_id, status or ""])
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str, status: str | None) -> tuple[datetime, str]:
    try:
        created, campaign_id, listed = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        moment = datetime.fromisoformat(created)
    except (ValueError, TypeError) as err:
        raise CursorInvalid("cursor: not a cursor of list-campaigns") from err
    if listed != (status or ""):
        raise CursorInvalid("cursor: it belongs to a listing with another status filter")
    return moment, str(campaign_id)


class CampaignViews:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._campaigns = f'"{schema}".campaigns'
        self._recipients = f'"{schema}".campaign_recipients'

    async def running(self) -> list[tuple[str, str, CampaignDefinition, float, str]]:
        """(workspace, campaign, definition, rate, channel) of every running campaign."""
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT workspace_id, campaign_id, definition, rate_per_second, channel_id"
                    f" FROM {self._campaigns} WHERE status = 'running'"
                )
            )
            return [
                (r[0], r[1], CampaignDefinition.model_validate(r[2]), float(r[3]), r[4])
                for r in rows
            ]

    async def status(self, workspace_id: str, campaign_id: str) -> str | None:
        async with self._engine.connect() as conn:
            found = await conn.scalar(
                text(
                    f"SELECT status FROM {self._campaigns}"
                    " WHERE workspace_id = :ws AND campaign_id = :cid"
                ),
                {"ws": workspace_id, "cid": campaign_id},
            )
        return None if found is None else str(found)

    async def get(self, workspace_id: str, campaign_id: str) -> CampaignView | None:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        f"SELECT {_COLUMNS} FROM {self._campaigns}"
                        " WHERE workspace_id = :ws AND campaign_id = :cid"
                    ),
                    {"ws": workspace_id, "cid": campaign_id},
                )
            ).first()
        if row is None:
            return None
        return (await self._with_stats(workspace_id, [row]))[0]

    async def page(
        self, workspace_id: str, status: CampaignStatus | None, limit: int, cursor: str
    ) -> tuple[list[CampaignView], str | None]:
        """Newest first; keyset on (created_at, campaign_id)."""
        where = "workspace_id = :ws" + (" AND status = :status" if status else "")
        params: dict[str, Any] = {"ws": workspace_id, "n": limit + 1}
        if status:
            params["status"] = status
        if cursor:
            params["c_at"], params["c_id"] = decode_cursor(cursor, status)
            where += " AND (created_at, campaign_id) < (:c_at, :c_id)"
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        f"SELECT {_COLUMNS} FROM {self._campaigns} WHERE {where}"
                        " ORDER BY created_at DESC, campaign_id DESC LIMIT :n"
                    ),
                    params,
                )
            ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        views = await self._with_stats(workspace_id, rows)
        last = views[-1] if views else None
        next_cursor = (
            encode_cursor(last.created_at, last.campaign_id, status) if more and last else None
        )
        return views, next_cursor

    async def _with_stats(self, workspace_id: str, rows: Any) -> list[CampaignView]:
        ids = [r[0] for r in rows]
        stats = await self.stats(workspace_id, ids)
        return [
            CampaignView(
                campaign_id=r[0],
                definition=CampaignDefinition.model_validate(r[1]),
                status=r[2],
                scheduled_at=r[3],
                launched_at=r[4],
                finished_at=r[5],
                created_at=r[6],
                updated_at=r[7],
                rate_per_second=float(r[8]),
                paused_reason=r[12],
                stats=stats.get(r[0], CampaignStats()).model_copy(
                    update={
                        "targeted": r[9],
                        "excluded_without_opt_in": r[10],
                        "excluded_opted_out": r[11],
                    }
                ),
            )
            for r in rows
        ]

    async def stats(self, workspace_id: str, campaign_ids: list[str]) -> dict[str, CampaignStats]:
        if not campaign_ids:
            return {}
        params = {"ws": workspace_id, "ids": campaign_ids, "limited": list(LIMITED_BY_META)}
        async with self._engine.connect() as conn:
            totals = await conn.execute(
                text(
                    "SELECT campaign_id,"
                    " count(*) FILTER (WHERE state IN ('pending', 'claimed')),"
                    " count(sent_at), count(delivered_at), count(read_at), count(replied_at),"
                    " count(failed_code),"
                    " count(*) FILTER (WHERE failed_code = ANY(CAST(:limited AS text[]))),"
                    " count(*) FILTER (WHERE opted_out_at IS NOT NULL OR failed_code = 'OPTED_OUT')"
                    f" FROM {self._recipients}"
                    " WHERE workspace_id = :ws AND campaign_id = ANY(CAST(:ids AS text[]))"
                    " GROUP BY campaign_id"
                ),
                params,
            )
            found = {
                r[0]: CampaignStats(
                    pending=r[1],
                    sent=r[2],
                    delivered=r[3],
                    read=r[4],
                    replied=r[5],
                    failed=r[6],
                    limited_by_meta=r[7],
                    opted_out=r[8],
                )
                for r in totals
            }
            codes = await conn.execute(
                text(
                    "SELECT campaign_id, failed_code, count(*)"
                    f" FROM {self._recipients}"
                    " WHERE workspace_id = :ws AND campaign_id = ANY(CAST(:ids AS text[]))"
                    " AND failed_code IS NOT NULL GROUP BY campaign_id, failed_code"
                ),
                params,
            )
            by_reason: dict[str, dict[str, int]] = {}
            for campaign_id, code, count in codes:
                by_reason.setdefault(campaign_id, {})[code] = count
        return {
            cid: s.model_copy(update={"failed_by_reason": by_reason.get(cid, {})})
            for cid, s in found.items()
        }
