"""The scraper's queries: start-scrape, cancel-scrape, list-scrape-jobs, get-scrape-job and
list-sources, on `parley.q.scraper.<name>`.

start and cancel answer from the job's log (never behind); list and get from the read model.
A refusal is a JobChangeResult with `ok=False` and problems naming the field, the rule and a
code (SOURCE_NOT_CONFIGURED, PLAN_LIMIT_REACHED, NOT_FOUND, ALREADY_FINISHED).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.billing.entitlements import LEADS_SCRAPED
from parley.contracts.envelope import Envelope
from parley.contracts.scraper.jobs import (
    CancelScrape,
    GetScrapeJob,
    JobChangeResult,
    JobCounts,
    JobPage,
    JobProblem,
    JobReply,
    JobView,
    LeadView,
    ListScrapeJobs,
    ListSources,
    ScrapeCancelRequested,
    ScrapeRequested,
    ScrapeSource,
    SourceList,
    SourceView,
    StartScrape,
)
from parley.runtime.eventstore import ConcurrencyError
from parley.runtime.queries import QueryRefused
from parley.runtime.quotas import Quotas, limit_reached
from parley.scraper.adapters.job_store import JobStore, job_subject
from parley.scraper.adapters.tables import in_schema, scrape_jobs, scrape_leads
from parley.scraper.domain.job import check_start, view_of

SOURCES: tuple[ScrapeSource, ...] = ("google_places", "instagram", "website")
HINTS: dict[ScrapeSource, str] = {
    "google_places": 'What to look for ("bakery") and where (the location); Places API Text '
    "Search, up to 60 results a query.",
    "instagram": "Instagram usernames of business or creator accounts, separated by commas.",
    "website": "Website addresses, separated by commas: each site's contact details are read "
    "from its home and contact pages, robots.txt honoured.",
}


class JobQueries:
    def __init__(
        self,
        jobs: JobStore,
        quotas: Quotas,
        engine: AsyncEngine,
        schema: str,
        not_configured: Mapping[ScrapeSource, str],
    ) -> None:
        self._jobs = jobs
        self._quotas = quotas
        self._engine = engine
        self._schema = schema
        self._not_configured = not_configured

    async def list_sources(self, workspace_id: str, query: ListSources) -> SourceList:
        return SourceList(
            sources=tuple(
                SourceView(
                    source=source,
                    configured=source not in self._not_configured,
                    hint=(
                        f"Not configured on this installation: an administrator sets "
                        f"{self._not_configured[source]}."
                        if source in self._not_configured
                        else HINTS[source]
                    ),
                )
                for source in SOURCES
            )
        )

    async def start(self, workspace_id: str, query: StartScrape) -> JobChangeResult:
        state, _ = await self._jobs.load(workspace_id, query.job_id)
        if state.requested is not None:
            return self._retried(state.requested, query, view_of(state))
        problems = check_start(query, self._not_configured)
        if not problems:
            problems = await self._plan_problems(workspace_id)
        if problems:
            return JobChangeResult(ok=False, problems=tuple(problems))
        requested = ScrapeRequested(
            job_id=query.job_id,
            source=query.source,
            query=query.query.strip(),
            location=query.location.strip(),
            country=query.country.upper(),
            limit=query.limit,
            tags=query.tags,
            requested_by=query.requested_by,
            at=datetime.now(UTC),
        )
        envelope = Envelope.wrap(requested, workspace_id=workspace_id)
        # A concurrent retry of the same request may have recorded it first: then it stands.
        with suppress(ConcurrencyError):
            await self._jobs.events.append(job_subject(workspace_id, query.job_id), [envelope], 0)
        state, _ = await self._jobs.load(workspace_id, query.job_id)
        assert state.requested is not None
        return self._retried(state.requested, query, view_of(state))

    def _retried(
        self, requested: ScrapeRequested, query: StartScrape, view: JobView | None
    ) -> JobChangeResult:
        same = (requested.source, requested.query) == (query.source, query.query.strip())
        if not same:
            rule = "already used by another job; choose a new job id"
            return JobChangeResult(ok=False, problems=(JobProblem(field="job_id", rule=rule),))
        return JobChangeResult(ok=True, job=view)

    async def _plan_problems(self, workspace_id: str) -> list[JobProblem]:
        entitlements = await self._quotas.entitlements(workspace_id)
        if entitlements is None:
            return []
        limit = entitlements.limit(LEADS_SCRAPED)
        if limit is None or limit < 0:
            return []
        used = await self._quotas.used(entitlements, workspace_id, LEADS_SCRAPED)
        if used < limit:
            return []
        refusal = limit_reached(entitlements, LEADS_SCRAPED, used, monthly=True)
        return [JobProblem(field="limit", rule=refusal.message, code=refusal.code)]

    async def cancel(self, workspace_id: str, query: CancelScrape) -> JobChangeResult:
        state, cause = await self._jobs.load(workspace_id, query.job_id)
        if state.requested is None or cause is None:
            problem = JobProblem(field="job_id", rule="no such job", code="NOT_FOUND")
            return JobChangeResult(ok=False, problems=(problem,))
        if state.finished is not None:
            rule = f"the job has already finished ({state.finished.status})"
            problem = JobProblem(field="job_id", rule=rule, code="ALREADY_FINISHED")
            return JobChangeResult(ok=False, problems=(problem,), job=view_of(state))
        if not state.cancel_requested:
            event = ScrapeCancelRequested(job_id=query.job_id, by=query.by, at=datetime.now(UTC))
            await self._jobs.append(cause, query.job_id, event, "cancel")
            state, _ = await self._jobs.load(workspace_id, query.job_id)
        return JobChangeResult(ok=True, job=view_of(state))

    async def list_jobs(self, workspace_id: str, query: ListScrapeJobs) -> JobPage:
        j = scrape_jobs.c
        stmt = sa.select(scrape_jobs).where(j.workspace_id == workspace_id)
        if query.status is not None:
            stmt = stmt.where(j.status == query.status)
        if query.cursor:
            at, job_id = _cursor(query.cursor, "jobs")
            stmt = stmt.where(sa.tuple_(j.created_at, j.job_id) < (at, job_id))
        stmt = stmt.order_by(j.created_at.desc(), j.job_id.desc()).limit(query.limit + 1)
        rows = await self._rows(stmt)
        items = tuple(_job(r) for r in rows[: query.limit])
        more = len(rows) > query.limit
        last = items[-1] if items else None
        cursor = _encode("jobs", last.created_at, last.job_id) if more and last else None
        return JobPage(items=items, next_cursor=cursor)

    async def get(self, workspace_id: str, query: GetScrapeJob) -> JobReply:
        j, lead = scrape_jobs.c, scrape_leads.c
        rows = await self._rows(
            sa.select(scrape_jobs)
            .where(j.workspace_id == workspace_id)
            .where(j.job_id == query.job_id)
        )
        if not rows:
            return JobReply(job=None)
        stmt = (
            sa.select(scrape_leads)
            .where(lead.workspace_id == workspace_id)
            .where(lead.job_id == query.job_id)
        )
        if query.leads_cursor:
            at, lead_id = _cursor(query.leads_cursor, f"leads:{query.job_id}")
            stmt = stmt.where(sa.tuple_(lead.at, lead.lead_id) > (at, lead_id))
        stmt = stmt.order_by(lead.at, lead.lead_id).limit(query.leads_limit + 1)
        leads = await self._rows(stmt) if query.leads_limit else []
        page = tuple(_lead(r) for r in leads[: query.leads_limit])
        more = len(leads) > query.leads_limit
        cursor = (
            _encode(f"leads:{query.job_id}", page[-1].at, page[-1].lead_id)
            if more and page
            else None
        )
        return JobReply(job=_job(rows[0]), leads=page, next_leads_cursor=cursor)

    async def _rows(self, stmt: sa.Select[Any]) -> list[sa.Row[Any]]:
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            return list((await conn.execute(stmt)).all())


def _job(row: sa.Row[Any]) -> JobView:
    return JobView(
        job_id=row.job_id,
        source=row.source,
        query=row.query,
        location=row.location,
        limit=row.limit,
        status=row.status,
        counts=JobCounts(**row.counts),
        message=row.message,
        reason=row.reason,
        requested_by=row.requested_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        finished_at=row.finished_at,
    )


def _lead(row: sa.Row[Any]) -> LeadView:
    return LeadView(
        lead_id=row.lead_id,
        job_id=row.job_id,
        name=row.name,
        phone=row.phone,
        email=row.email,
        website=row.website,
        address=row.address,
        category=row.category,
        provider=row.provider,
        at=row.at,
    )


def _encode(kind: str, at: datetime, key: str) -> str:
    raw = json.dumps({"k": kind, "at": at.isoformat(), "id": key}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _cursor(cursor: str, kind: str) -> tuple[datetime, str]:
    """A cursor this query handed out, bound to its kind (a job's leads cursor fits no other)."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if data["k"] != kind:
            raise ValueError(kind)
        return datetime.fromisoformat(data["at"]), str(data["id"])
    except (ValueError, KeyError, TypeError):
        raise QueryRefused("400", "cursor: not a cursor this query handed out") from None
