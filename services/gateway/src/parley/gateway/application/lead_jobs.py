"""Lead-capture jobs through the scraper (`parley.q.scraper.<name>`): the sources and whether
each is configured, start, cancel, list, and a job with a page of its leads.

The job id is chosen here (`job-<UUIDv7 hex>`), so the scraper starts one job for a retried
request. A job runs in the scraper after `start-scrape` answers; its progress (pages read, leads
found, duplicates) is in the job itself, which the app reads again while it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ConfigDict

from parley.contracts.ids import new_id
from parley.contracts.messages import Query, Reply
from parley.contracts.scraper.jobs import (
    CancelScrape,
    GetScrapeJob,
    JobChangeResult,
    JobPage,
    JobProblem,
    JobReply,
    JobStatus,
    JobView,
    LeadView,
    ListScrapeJobs,
    ListSources,
    ScrapeSource,
    SourceList,
    StartScrape,
)
from parley.gateway.adapters.services import Services
from parley.gateway.api.problems import Problem, not_found
from parley.gateway.application.crm_calls import checked
from parley.gateway.application.service_calls import ask, reply_problem
from parley.runtime.quotas import Quotas

SCRAPER = "scraper"
R = TypeVar("R", bound=Reply)
# A refused job's codes over HTTP (a plan's codes and NOT_FOUND are mapped for every service).
_STATUS = {"SOURCE_NOT_CONFIGURED": 422, "ALREADY_FINISHED": 409}


class JobDetail(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )
    job: JobView
    leads: list[LeadView]
    next_leads_cursor: str | None


def new_job_id() -> str:
    return f"job-{new_id().hex}"


class LeadJobs:
    def __init__(self, services: Services, quotas: Quotas | None) -> None:
        self._services = services
        self._quotas = quotas  # for the plan that lifts a refused job

    async def sources(self, workspace_id: str) -> SourceList:
        return await self._ask("list-sources", workspace_id, ListSources(), SourceList)

    async def list(
        self, workspace_id: str, *, status: JobStatus | None, limit: int, cursor: str
    ) -> JobPage:
        query = checked(ListScrapeJobs, status=status, limit=limit, cursor=cursor)
        return await self._ask("list-scrape-jobs", workspace_id, query, JobPage)

    async def get(
        self, workspace_id: str, job_id: str, *, leads_limit: int, leads_cursor: str
    ) -> JobDetail:
        query = checked(
            GetScrapeJob, job_id=job_id, leads_limit=leads_limit, leads_cursor=leads_cursor
        )
        found = await self._ask("get-scrape-job", workspace_id, query, JobReply)
        if found.job is None:
            raise not_found("lead-capture job", job_id)
        return JobDetail(
            job=found.job, leads=list(found.leads), next_leads_cursor=found.next_leads_cursor
        )

    async def start(
        self,
        workspace_id: str,
        *,
        source: ScrapeSource,
        query: str,
        location: str,
        country: str,
        limit: int,
        tags: Sequence[str],
        by: str,
    ) -> JobView:
        request = checked(
            StartScrape,
            job_id=new_job_id(),
            source=source,
            query=query,
            location=location,
            country=country.upper(),
            limit=limit,
            tags=tuple(tags),
            requested_by=by,
        )
        result = await self._ask("start-scrape", workspace_id, request, JobChangeResult)
        return await self._changed(workspace_id, result, "the job was not started")

    async def cancel(self, workspace_id: str, job_id: str, *, by: str) -> JobView:
        request = checked(CancelScrape, job_id=job_id, by=by)
        result = await self._ask("cancel-scrape", workspace_id, request, JobChangeResult)
        return await self._changed(workspace_id, result, f"the job {job_id!r} was not cancelled")

    async def _changed(self, workspace_id: str, result: JobChangeResult, fallback: str) -> JobView:
        if result.ok and result.job is not None:
            return result.job
        raise await self._refused(workspace_id, result.problems, fallback)

    async def _refused(
        self, workspace_id: str, problems: Sequence[JobProblem], fallback: str
    ) -> Problem:
        return await reply_problem(
            self._quotas,
            workspace_id,
            [(p.field, p.rule, p.code) for p in problems],
            service=SCRAPER,
            fallback=fallback,
            statuses=_STATUS,
        )

    async def _ask(self, name: str, workspace_id: str, query: Query, reply: type[R]) -> R:
        return await ask(
            self._services,
            SCRAPER,
            name,
            workspace_id,
            query,
            reply,
            what="lead-capture job",
            ident=str(getattr(query, "job_id", "")),
            conflict_code="ALREADY_FINISHED",
        )
