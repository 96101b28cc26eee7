"""The workspace's seen lead keys: how a lead found again, by this job after a restart or by a
later job, is told apart from a new one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.scraper.adapters.tables import in_schema, seen_leads


@dataclass(frozen=True)
class Seen:
    lead_id: str
    job_id: str
    published: bool


class SeenLeads:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def get(self, workspace_id: str, key: str) -> Seen | None:
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            row = (
                await conn.execute(
                    sa.select(seen_leads.c.lead_id, seen_leads.c.job_id, seen_leads.c.published)
                    .where(seen_leads.c.workspace_id == workspace_id)
                    .where(seen_leads.c.key == key)
                )
            ).first()
        return Seen(row.lead_id, row.job_id, row.published) if row is not None else None

    async def claim(self, workspace_id: str, key: str, lead_id: str, job_id: str) -> Seen:
        """Claim the key for `job_id`; answers with whoever holds it afterwards."""
        async with self._engine.begin() as raw:
            conn = await in_schema(raw, self._schema)
            await conn.execute(
                insert(seen_leads)
                .values(
                    workspace_id=workspace_id,
                    key=key,
                    lead_id=lead_id,
                    job_id=job_id,
                    published=False,
                    at=datetime.now(UTC),
                )
                .on_conflict_do_nothing()
            )
        held = await self.get(workspace_id, key)
        assert held is not None
        return held

    async def published(self, workspace_id: str, key: str) -> None:
        async with self._engine.begin() as raw:
            conn = await in_schema(raw, self._schema)
            await conn.execute(
                sa.update(seen_leads)
                .where(seen_leads.c.workspace_id == workspace_id)
                .where(seen_leads.c.key == key)
                .values(published=True)
            )
