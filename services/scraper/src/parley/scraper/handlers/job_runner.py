"""Runs a lead-capture job: its source read unit by unit (a page of results, a profile, a
site), each found business through `LeadIntake`, a ScrapeProgressed after every unit, and a
ScrapeFinished at the end.

A durable consumer on the job's ScrapeRequested runs it, with "in progress" acks while it runs.
A scraper that stops mid-job records how far it got and hands the message back (a nak), so the
next instance resumes it at once; one that crashes has it redelivered after `ack_wait`. Either
way the job resumes after its last ScrapeProgressed: the units before it are not read again
(Places pages are fetched again for their page tokens, their results ignored), and a lead of
the interrupted unit that was already published is recognised by `seen_leads`.

Cancel-scrape appends ScrapeCancelRequested to the job's subject; the runner listens on that
subject (a core NATS subscription: a JetStream publish reaches core subscribers too) and every
wait of the job ends at once (`Pace`), so a cancel takes effect within moments, also during a
politeness delay or a slow page. The log is read again after subscribing, so a cancel that
came before the subscription is seen too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from contextlib import aclosing, suppress
from datetime import UTC, datetime

import structlog
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.scraper.jobs import (
    JobCounts,
    ScrapeCancelRequested,
    ScrapeFinished,
    ScrapeProgressed,
    ScrapeRequested,
    ScrapeSource,
)
from parley.contracts.streams import SCRAPER
from parley.runtime.consumers import ConsumerSpec, RetryLater
from parley.runtime.eventstore import commits
from parley.scraper.adapters.job_store import JobStore, job_subject
from parley.scraper.adapters.pacing import JobInterrupted, Pace
from parley.scraper.adapters.sources import Source, SourceFailed
from parley.scraper.domain.job import JobState, site_urls, usernames
from parley.scraper.domain.leads import Candidate
from parley.scraper.handlers.lead_intake import LeadIntake, Limited

log = structlog.get_logger(__name__)

CONSUMER = ConsumerSpec(
    stream=SCRAPER.name,
    durable="scraper-jobs",
    filter_subjects=("scraper.evt.>",),
    max_deliver=20,  # each restart of the scraper mid-job is a delivery
    backoff=(2.0, 10.0, 30.0),
    ack_wait=60.0,  # the handler says "in progress" every HEARTBEAT seconds
    max_ack_pending=256,
    concurrency=4,  # jobs of different workspaces run side by side
)
HEARTBEAT = 15.0
# A job handed back by a stopping scraper comes back after this long: not at once, or this
# instance's consumer, still draining, would take it again (and again) before it stops.
RESUME_DELAY = 1.0
_MAX_REASON = 1000


class JobRunner:
    def __init__(
        self,
        nc: NatsClient,
        jobs: JobStore,
        intake: LeadIntake,
        sources: Mapping[ScrapeSource, Source],
        not_configured: Mapping[ScrapeSource, str],
    ) -> None:
        self._nc = nc
        self._jobs = jobs
        self._intake = intake
        self._sources = sources
        self._not_configured = not_configured
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """The scraper is stopping: running jobs record how far they got and hand their
        message back at once, so whichever scraper is up next resumes them."""
        self._stopping.set()

    async def handle(self, msg: Msg) -> None:
        types = commits.types_of(msg.headers)
        if types is not None and ScrapeRequested.wire_name not in types:
            return
        for envelope in commits.decode(msg.data):
            if envelope.type == ScrapeRequested.wire_name:
                if self._stopping.is_set():
                    raise RetryLater(RESUME_DELAY, "the scraper is stopping")
                beat = asyncio.create_task(_heartbeat(msg))
                try:
                    job_id = str(envelope.data.get("job_id", ""))
                    await self.run(envelope.workspace_id, job_id)
                finally:
                    beat.cancel()
                    with suppress(asyncio.CancelledError):
                        await beat

    async def run(self, workspace_id: str, job_id: str) -> None:
        """Run (or resume) the job to its end."""
        pace = Pace(self._stopping)

        async def on_event(msg: Msg) -> None:
            if ScrapeCancelRequested.wire_name in (commits.types_of(msg.headers) or []):
                pace.cancelled.set()

        sub = await self._nc.subscribe(job_subject(workspace_id, job_id), cb=on_event)
        try:
            state, cause = await self._jobs.load(workspace_id, job_id)
            if state.requested is None or cause is None or state.finished is not None:
                return
            if state.cancel_requested:
                pace.cancelled.set()
            await self._run(cause, state.requested, state, pace)
        finally:
            with suppress(Exception):
                await sub.unsubscribe()

    async def _run(
        self, cause: Envelope, job: ScrapeRequested, state: JobState, pace: Pace
    ) -> None:
        counts = state.counts.model_dump()
        bound = log.bind(workspace_id=cause.workspace_id, job_id=job.job_id, source=job.source)
        source = self._sources.get(job.source)
        if source is None:
            setting = self._not_configured.get(job.source, "its settings")
            reason = f"{job.source} is no longer configured on this installation: set {setting}"
            await self._finish(cause, job, "failed", counts, reason)
            return
        single = len(_targets(job)) == 1
        try:
            if pace.cancelled.is_set():
                raise JobInterrupted("cancelled")
            async with aclosing(source.units(job, counts["pages"], pace)) as units:  # type: ignore[type-var]
                async for unit in units:
                    counts["pages"] += 1
                    counts["found"] += len(unit.candidates)
                    counts["errors"] += unit.errors
                    limited = await self._leads(cause, job, unit.candidates, counts)
                    message = unit.message
                    if single and unit.error and not unit.candidates:
                        await self._progress(cause, job, counts, message)
                        await self._finish(cause, job, "failed", counts, message)
                        return
                    if counts["leads"] >= job.limit:
                        message += f"; the job's limit of {job.limit} leads is reached"
                    await self._progress(cause, job, counts, message)
                    if limited is not None:
                        await self._finish(cause, job, "limited", counts, _limited(limited))
                        return
                    if counts["leads"] >= job.limit:
                        break
                    pace.check()
        except JobInterrupted as interrupted:
            if interrupted.why == "cancelled":
                await self._finish(cause, job, "cancelled", counts, "")
                bound.info("job cancelled", **counts)
                return
            raise RetryLater(
                RESUME_DELAY, f"the scraper is stopping; {job.job_id} resumes"
            ) from None
        except SourceFailed as failed:
            await self._finish(cause, job, "failed", counts, failed.reason)
            bound.info("job failed", reason=failed.reason, **counts)
            return
        await self._finish(cause, job, "completed", counts, "")
        bound.info("job completed", **counts)

    async def _leads(
        self,
        cause: Envelope,
        job: ScrapeRequested,
        candidates: list[Candidate],
        counts: dict[str, int],
    ) -> Limited | None:
        for candidate in candidates:
            if counts["leads"] >= job.limit:
                return None
            taken = await self._intake.take(cause, job, candidate)
            if isinstance(taken, Limited):
                return taken
            if taken == "duplicate":
                counts["duplicates"] += 1
            elif taken == "new":
                counts["leads"] += 1
                if not candidate.phone:
                    counts["without_phone"] += 1
        return None

    async def _progress(
        self, cause: Envelope, job: ScrapeRequested, counts: dict[str, int], message: str
    ) -> None:
        event = ScrapeProgressed(
            job_id=job.job_id,
            counts=JobCounts(**counts),
            message=_short(message, 500),
            at=datetime.now(UTC),
        )
        await self._jobs.append(cause, job.job_id, event, f"progress/{counts['pages']}")

    async def _finish(
        self,
        cause: Envelope,
        job: ScrapeRequested,
        status: str,
        counts: dict[str, int],
        reason: str,
    ) -> None:
        event = ScrapeFinished(
            job_id=job.job_id,
            status=status,  # type: ignore[arg-type]
            counts=JobCounts(**counts),
            reason=_short(reason, _MAX_REASON),
            at=datetime.now(UTC),
        )
        await self._jobs.append(cause, job.job_id, event, "finished")


def _targets(job: ScrapeRequested) -> list[str]:
    if job.source == "instagram":
        return usernames(job.query)
    if job.source == "website":
        return site_urls(job.query)
    return [job.query]


def _limited(limited: Limited) -> str:
    return (
        f"{limited.refusal.message} The leads found so far are kept; start the job again "
        "when the plan allows more leads (next billing period, or after upgrading)."
    )


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _heartbeat(msg: Msg) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT)
        await msg.in_progress()
