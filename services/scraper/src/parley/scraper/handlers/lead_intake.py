"""One found business through deduplication and the plan, then out as LeadScraped.

Order matters: a lead already claimed by another job is a duplicate (nothing reserved); a new
one takes a unit of `leads_scraped` first (keyed by its lead id, so a retry counts once), then
claims its key, then is published with an event id derived from its lead id, then marked
published. After a restart, a lead this job claimed is published again (a duplicate within
JetStream's window is dropped) unless it was marked published, and counts as this job's lead
either way: the counts resume from the last ScrapeProgressed, which did not include it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from parley.contracts.billing.entitlements import LEADS_SCRAPED
from parley.contracts.envelope import Envelope
from parley.contracts.scraper.events import LeadScraped
from parley.contracts.scraper.jobs import ScrapeRequested
from parley.runtime.quotas import LimitReached, Quotas
from parley.scraper.adapters.job_store import JobStore
from parley.scraper.adapters.seen_leads import SeenLeads
from parley.scraper.domain.leads import Candidate, dedupe_key, lead_id_for

Taken = Literal["new", "duplicate", "unusable"]


@dataclass(frozen=True)
class Limited:
    refusal: LimitReached


class LeadIntake:
    def __init__(self, jobs: JobStore, seen: SeenLeads, quotas: Quotas) -> None:
        self._jobs = jobs
        self._seen = seen
        self._quotas = quotas

    async def take(
        self, cause: Envelope, job: ScrapeRequested, candidate: Candidate
    ) -> Taken | Limited:
        ws = cause.workspace_id
        key = dedupe_key(candidate)
        if not key:
            return "unusable"
        lead_id = lead_id_for(ws, key)
        held = await self._seen.get(ws, key)
        if held is not None and held.job_id != job.job_id:
            return "duplicate"
        if held is not None and held.published:
            return "new"  # published by this job before a restart
        reserved = await self._quotas.reserve(ws, LEADS_SCRAPED, lead_id)
        if isinstance(reserved, LimitReached):
            return Limited(reserved)
        held = await self._seen.claim(ws, key, lead_id, job.job_id)
        if held.job_id != job.job_id:
            # Another job claimed it a moment ago: its unit, not ours.
            if reserved is not None:
                await self._quotas.release(reserved)
            return "duplicate"
        lead = LeadScraped(
            job_id=job.job_id,
            lead_id=lead_id,
            name=candidate.name,
            phone=candidate.phone,
            email=candidate.email,
            website=candidate.website,
            address=candidate.address,
            category=candidate.category,
            provider=candidate.provider,
            country=candidate.country or job.country,
            tags=job.tags,
            at=datetime.now(UTC),
        )
        await self._jobs.append(cause, job.job_id, lead, f"lead/{lead_id}")
        await self._seen.published(ws, key)
        return "new"
