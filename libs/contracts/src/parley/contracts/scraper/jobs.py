"""Lead-capture jobs, event-sourced on `scraper.evt.<ws>.<job_id>`.

ScrapeRequested → ScrapeProgressed (after each page) → LeadScraped per new lead →
ScrapeFinished (completed, cancelled, failed or stopped by the plan's leads_scraped limit).
A lead seen by an earlier job of the workspace (same number, or same provider id) is counted as a
duplicate and not published again. Leads carry no consent: crm makes contacts of them with no
opt-in, so no marketing template reaches them until consent is recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.messages import Event, Query, Reply

JobIdField = Field(min_length=5, max_length=64, pattern=r"^job-[A-Za-z0-9_\-]+$")
# google_places: Places API Text Search (query + location); instagram: Graph API business
# discovery of the usernames in `query` (comma separated); website: the contact details on the
# sites whose URLs are in `query` (comma or newline separated).
ScrapeSource = Literal["google_places", "instagram", "website"]
JobStatus = Literal["running", "completed", "cancelled", "failed", "limited"]


class JobCounts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    found: int = 0  # results the source returned
    leads: int = 0  # new leads published
    duplicates: int = 0  # already found by this or an earlier job
    without_phone: int = 0  # published, but crm can make no contact of them
    pages: int = 0  # source pages (or sites) read
    errors: int = 0  # pages or sites that failed and were skipped


class ScrapeRequested(Event, wire_name="scraper.ScrapeRequested", version=1):
    job_id: str = JobIdField
    source: ScrapeSource
    query: str = Field(min_length=1, max_length=2000)
    location: str = Field(default="", max_length=200)
    country: str = Field(default="", pattern=r"^([A-Z]{2})?$")  # region of national numbers
    limit: int = Field(default=50, ge=1, le=500)
    tags: tuple[str, ...] = Field(default=(), max_length=10)  # given to every lead's contact
    requested_by: str = Field(default="", max_length=200)
    at: datetime


class ScrapeProgressed(Event, wire_name="scraper.ScrapeProgressed", version=1):
    job_id: str = JobIdField
    counts: JobCounts
    message: str = Field(default="", max_length=500)  # "page 2 of results", "example.com"
    at: datetime


class ScrapeCancelRequested(Event, wire_name="scraper.ScrapeCancelRequested", version=1):
    job_id: str = JobIdField
    by: str = Field(default="", max_length=200)
    at: datetime


class ScrapeFinished(Event, wire_name="scraper.ScrapeFinished", version=1):
    job_id: str = JobIdField
    status: Literal["completed", "cancelled", "failed", "limited"]
    counts: JobCounts
    reason: str = Field(default="", max_length=1000)  # for failed and limited: what to do
    at: datetime


class JobView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    job_id: str
    source: ScrapeSource
    query: str
    location: str = ""
    limit: int
    status: JobStatus
    counts: JobCounts
    message: str = ""
    reason: str = ""
    requested_by: str = ""
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None


class LeadView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    lead_id: str
    job_id: str
    name: str = ""
    phone: str = ""  # E.164, or "" when none was found
    email: str = ""
    website: str = ""
    address: str = ""
    category: str = ""
    provider: str = ""
    at: datetime


class JobProblem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    field: str
    rule: str
    code: str = ""  # PLAN_LIMIT_REACHED, SOURCE_NOT_CONFIGURED, NOT_FOUND, ALREADY_FINISHED


class StartScrape(Query, wire_name="scraper.StartScrape", version=1):
    """On `parley.q.scraper.start-scrape`. Refused when the source is not configured here (no
    Places key, no Instagram token) or the plan has no leads left this period."""

    job_id: str = JobIdField  # chosen by the caller: a retry starts one job
    source: ScrapeSource
    query: str = Field(min_length=1, max_length=2000)
    location: str = Field(default="", max_length=200)
    country: str = Field(default="", pattern=r"^([A-Za-z]{2})?$")
    limit: int = Field(default=50, ge=1, le=500)
    tags: tuple[str, ...] = Field(default=(), max_length=10)
    requested_by: str = Field(default="", max_length=200)


class CancelScrape(Query, wire_name="scraper.CancelScrape", version=1):
    job_id: str = JobIdField
    by: str = Field(default="", max_length=200)


class JobChangeResult(Reply, wire_name="scraper.JobChangeResult", version=1):
    ok: bool
    problems: tuple[JobProblem, ...] = ()
    job: JobView | None = None


class ListScrapeJobs(Query, wire_name="scraper.ListScrapeJobs", version=1):
    status: JobStatus | None = None
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str = Field(default="", max_length=512)


class JobPage(Reply, wire_name="scraper.JobPage", version=1):
    items: tuple[JobView, ...]
    next_cursor: str | None = None


class GetScrapeJob(Query, wire_name="scraper.GetScrapeJob", version=1):
    job_id: str = JobIdField
    leads_limit: int = Field(default=50, ge=0, le=200)
    leads_cursor: str = Field(default="", max_length=512)


class JobReply(Reply, wire_name="scraper.JobReply", version=1):
    job: JobView | None  # None: not in this workspace
    leads: tuple[LeadView, ...] = ()
    next_leads_cursor: str | None = None


class ListSources(Query, wire_name="scraper.ListSources", version=1):
    pass


class SourceView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: ScrapeSource
    configured: bool
    hint: str = ""  # what the query means for it, or how to configure it


class SourceList(Reply, wire_name="scraper.SourceList", version=1):
    sources: tuple[SourceView, ...]
