"""Projects the jobs' events into `scrape_jobs` and `scrape_leads` (projection `scrape-jobs`),
inside the checkpoint's transaction, so each event counts once. Nothing after a job's
ScrapeFinished changes its row."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.scraper.events import LeadScraped
from parley.contracts.scraper.jobs import (
    ScrapeCancelRequested,
    ScrapeFinished,
    ScrapeProgressed,
    ScrapeRequested,
)
from parley.contracts.streams import SCRAPER
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent
from parley.scraper.adapters.tables import in_schema, scrape_jobs, scrape_leads

CONSUMER = ConsumerSpec(
    stream=SCRAPER.name,
    durable="scraper-jobs-read-model",
    filter_subjects=("scraper.evt.>",),
    max_deliver=10,
)


class JobReadModel:
    name = "scrape-jobs"
    handles = frozenset(
        {
            ScrapeRequested.wire_name,
            ScrapeProgressed.wire_name,
            ScrapeCancelRequested.wire_name,
            ScrapeFinished.wire_name,
            LeadScraped.wire_name,
        }
    )

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await conn.execute(sa.text(f'TRUNCATE "{schema}".scrape_jobs, "{schema}".scrape_leads'))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        conn = await in_schema(conn, schema)
        ws = event.envelope.workspace_id
        m = event.message
        if isinstance(m, ScrapeRequested):
            await conn.execute(
                insert(scrape_jobs)
                .values(
                    workspace_id=ws,
                    job_id=m.job_id,
                    source=m.source,
                    query=m.query,
                    location=m.location,
                    limit=m.limit,
                    status="running",
                    counts={},
                    message="waiting to start",
                    reason="",
                    requested_by=m.requested_by,
                    created_at=m.at,
                    updated_at=m.at,
                )
                .on_conflict_do_nothing()
            )
        elif isinstance(m, LeadScraped):
            await conn.execute(
                insert(scrape_leads)
                .values(
                    workspace_id=ws,
                    job_id=m.job_id,
                    lead_id=m.lead_id,
                    name=m.name,
                    phone=m.phone,
                    email=m.email,
                    website=m.website,
                    address=m.address,
                    category=m.category,
                    provider=m.provider,
                    at=m.at,
                )
                .on_conflict_do_nothing()
            )
        elif isinstance(m, ScrapeProgressed):
            await self._update(
                conn, ws, m.job_id, counts=m.counts.model_dump(), message=m.message, updated_at=m.at
            )
        elif isinstance(m, ScrapeCancelRequested):
            await self._update(conn, ws, m.job_id, message="cancelling", updated_at=m.at)
        elif isinstance(m, ScrapeFinished):
            await self._update(
                conn,
                ws,
                m.job_id,
                status=m.status,
                counts=m.counts.model_dump(),
                message=_finished_message(m),
                reason=m.reason,
                updated_at=m.at,
                finished_at=m.at,
            )

    async def _update(self, conn: AsyncConnection, ws: str, job_id: str, **values: object) -> None:
        await conn.execute(
            sa.update(scrape_jobs)
            .where(scrape_jobs.c.workspace_id == ws)
            .where(scrape_jobs.c.job_id == job_id)
            .where(scrape_jobs.c.status == "running")
            .values(**values)
        )


def _finished_message(m: ScrapeFinished) -> str:
    c = m.counts
    return f"{m.status}: {c.leads} new leads, {c.duplicates} duplicates, {c.pages} pages read"
