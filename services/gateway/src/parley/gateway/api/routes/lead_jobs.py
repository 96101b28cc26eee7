"""`/api/v1/workspaces/{workspace_id}/lead-sources` and `/lead-jobs`: lead capture.

Everyone sees the sources, the jobs and their leads (`leads:read`); editors and above start and
cancel jobs (`leads:manage`), as they import contacts. A job runs after it is started (201, status
`running`); while it runs, read `GET /lead-jobs/{job_id}` again for its progress (counts and the
message of the last page read) until its status is completed, cancelled, failed or limited.
Leads become contacts without consent: no marketing template reaches them before it is recorded.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.scraper.jobs import JobPage, JobStatus, JobView, ScrapeSource, SourceList
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import LeadJobsApi
from parley.gateway.application.lead_jobs import JobDetail

router = APIRouter(prefix="/workspaces/{workspace_id}", tags=["leads"])

Readers = Annotated[WorkspaceScope, Depends(require("leads:read"))]
Managers = Annotated[WorkspaceScope, Depends(require("leads:manage"))]
JobIdPath = Annotated[str, Path(min_length=5, max_length=64, pattern=r"^job-[A-Za-z0-9_\-]+$")]
Cursor = Annotated[str, Query(max_length=512, description="the last page's next_cursor")]


class JobInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: ScrapeSource
    query: str = Field(
        min_length=1,
        max_length=2000,
        description="google_places: what to search; instagram: usernames, comma separated; "
        "website: the sites' URLs, comma or newline separated",
    )
    location: str = Field(default="", max_length=200)
    country: str = Field(
        default="", pattern=r"^([A-Za-z]{2})?$", description="region of national numbers"
    )
    limit: int = Field(default=50, ge=1, le=500, description="leads to find at most")
    tags: list[str] = Field(default=[], max_length=10, description="given to every lead's contact")


@router.get("/lead-sources", summary="Where leads can come from, and which are configured")
async def list_sources(scope: Readers, jobs: LeadJobsApi) -> SourceList:
    return await jobs.sources(scope.workspace_id)


@router.get("/lead-jobs", summary="Lead-capture jobs, newest first")
async def list_jobs(
    scope: Readers,
    jobs: LeadJobsApi,
    status: Annotated[JobStatus | None, Query(description="only these")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 25,
    cursor: Cursor = "",
) -> JobPage:
    return await jobs.list(scope.workspace_id, status=status, limit=limit, cursor=cursor)


@router.post("/lead-jobs", status_code=201, summary="Start a lead-capture job")
async def start_job(scope: Managers, jobs: LeadJobsApi, body: JobInput) -> JobView:
    return await jobs.start(
        scope.workspace_id,
        source=body.source,
        query=body.query,
        location=body.location,
        country=body.country,
        limit=body.limit,
        tags=body.tags,
        by=scope.actor,
    )


@router.get(
    "/lead-jobs/{job_id}",
    summary="A job, its progress and a page of its leads",
    description="Its progress is live here: while `status` is running, read it again (every "
    "second or two) for the counts and the message of the last page read.",
)
async def get_job(
    scope: Readers,
    jobs: LeadJobsApi,
    job_id: JobIdPath,
    leads_limit: Annotated[int, Query(ge=0, le=200, description="leads per page")] = 50,
    leads_cursor: Annotated[str, Query(max_length=512, description="next_leads_cursor")] = "",
) -> JobDetail:
    return await jobs.get(
        scope.workspace_id, job_id, leads_limit=leads_limit, leads_cursor=leads_cursor
    )


@router.post("/lead-jobs/{job_id}/cancel", summary="Cancel a running job (its leads stay)")
async def cancel_job(scope: Managers, jobs: LeadJobsApi, job_id: JobIdPath) -> JobView:
    return await jobs.cancel(scope.workspace_id, job_id, by=scope.actor)
