"""A lead-capture job's log folded into its state, and the checks a request must pass.

Pure: no I/O, no clock. `evolve` folds the job's events (`scraper.evt.<ws>.<job_id>`) as they
were recorded; `check_start` says what is wrong with a StartScrape before anything is recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from parley.contracts.messages import Message
from parley.contracts.scraper.events import LeadScraped
from parley.contracts.scraper.jobs import (
    JobCounts,
    JobProblem,
    JobStatus,
    JobView,
    ScrapeCancelRequested,
    ScrapeFinished,
    ScrapeProgressed,
    ScrapeRequested,
    ScrapeSource,
    StartScrape,
)

MAX_TARGETS = 25  # usernames or sites in one job: each is a lookup or a small crawl
_USERNAME = re.compile(r"^[A-Za-z0-9._]{1,30}$")
_SPLIT = re.compile(r"[,\s]+")


@dataclass(frozen=True)
class JobState:
    requested: ScrapeRequested | None = None
    counts: JobCounts = field(default_factory=JobCounts)
    message: str = ""
    cancel_requested: bool = False
    finished: ScrapeFinished | None = None
    updated_at: datetime | None = None
    version: int = 0  # last stream sequence of the job's subject

    @property
    def status(self) -> JobStatus:
        return self.finished.status if self.finished is not None else "running"


def evolve(state: JobState, event: Message, sequence: int = 0) -> JobState:
    version = max(state.version, sequence)
    if isinstance(event, ScrapeRequested):
        return replace(state, requested=event, updated_at=event.at, version=version)
    if state.finished is not None:
        return replace(state, version=version)  # nothing after the end changes the job
    if isinstance(event, ScrapeProgressed):
        return replace(
            state, counts=event.counts, message=event.message, updated_at=event.at, version=version
        )
    if isinstance(event, ScrapeCancelRequested):
        return replace(state, cancel_requested=True, updated_at=event.at, version=version)
    if isinstance(event, ScrapeFinished):
        return replace(
            state, finished=event, counts=event.counts, updated_at=event.at, version=version
        )
    if isinstance(event, LeadScraped):
        return replace(state, version=version)
    return replace(state, version=version)


def view_of(state: JobState) -> JobView | None:
    req = state.requested
    if req is None:
        return None
    finished = state.finished
    return JobView(
        job_id=req.job_id,
        source=req.source,
        query=req.query,
        location=req.location,
        limit=req.limit,
        status=state.status,
        counts=state.counts,
        message=state.message,
        reason=finished.reason if finished is not None else "",
        requested_by=req.requested_by,
        created_at=req.at,
        updated_at=state.updated_at or req.at,
        finished_at=finished.at if finished is not None else None,
    )


def usernames(query: str) -> list[str]:
    """Instagram usernames in a job's query: comma or space separated, '@' optional."""
    return [part.lstrip("@").lower() for part in _SPLIT.split(query) if part.strip("@ ")]


def site_urls(query: str) -> list[str]:
    """Website URLs in a job's query, comma or newline separated; a bare host gets https://."""
    urls: list[str] = []
    for part in _SPLIT.split(query):
        part = part.strip()
        if not part:
            continue
        urls.append(part if "://" in part else f"https://{part}")
    return list(dict.fromkeys(urls))


def check_start(query: StartScrape, not_configured: Mapping[ScrapeSource, str]) -> list[JobProblem]:
    """What keeps the request from starting; `not_configured` maps a source to the setting it
    lacks on this installation."""
    if query.source in not_configured:
        setting = not_configured[query.source]
        return [
            JobProblem(
                field="source",
                rule=f"{query.source} is not configured on this installation: set {setting}",
                code="SOURCE_NOT_CONFIGURED",
            )
        ]
    problems: list[JobProblem] = []
    if query.source == "google_places":
        if not query.query.strip():
            problems.append(JobProblem(field="query", rule="say what to look for, e.g. bakery"))
    elif query.source == "instagram":
        problems.extend(_check_usernames(usernames(query.query)))
    else:
        problems.extend(_check_sites(site_urls(query.query)))
    return problems


def _check_usernames(names: Sequence[str]) -> list[JobProblem]:
    if not names:
        return [JobProblem(field="query", rule="give Instagram usernames, separated by commas")]
    if len(names) > MAX_TARGETS:
        return [JobProblem(field="query", rule=f"at most {MAX_TARGETS} usernames per job")]
    bad = [n for n in names if not _USERNAME.match(n)]
    if bad:
        shown = ", ".join(bad[:3])
        return [
            JobProblem(
                field="query",
                rule=f"not an Instagram username: {shown} (letters, digits, '.' and '_')",
            )
        ]
    return []


def _check_sites(urls: Sequence[str]) -> list[JobProblem]:
    if not urls:
        return [JobProblem(field="query", rule="give website addresses, separated by commas")]
    if len(urls) > MAX_TARGETS:
        return [JobProblem(field="query", rule=f"at most {MAX_TARGETS} websites per job")]
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return [JobProblem(field="query", rule=f"not a website address: {url}")]
    return []
