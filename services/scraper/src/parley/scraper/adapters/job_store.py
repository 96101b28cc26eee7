"""A job's log on `scraper.evt.<ws>.<job_id>`: load and fold it, append to it.

The runner appends progress, leads and the end without an expected sequence (cancel-scrape may
append between them, and neither invalidates the other), each with an event id derived from
what it records, so a retried append is deduplicated by JetStream (`Nats-Msg-Id`).
"""

from __future__ import annotations

import uuid

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.contracts.streams import SCRAPER
from parley.contracts.subjects import event_subject
from parley.runtime.eventstore import AppendResult, EventStore
from parley.scraper.domain.job import JobState, evolve

_IDS = uuid.UUID("2f6c1d4e-8a3b-4c5d-9e7f-1a2b3c4d5e6f")


def job_subject(workspace_id: str, job_id: str) -> str:
    return event_subject("scraper", workspace_id, job_id)


def event_id(workspace_id: str, job_id: str, what: str) -> uuid.UUID:
    return uuid.uuid5(_IDS, f"{workspace_id}/{job_id}/{what}")


class JobStore:
    def __init__(self, nc: NatsClient) -> None:
        self.events = EventStore(nc, SCRAPER.name)

    async def load(self, workspace_id: str, job_id: str) -> tuple[JobState, Envelope | None]:
        """The job folded, and the envelope of its ScrapeRequested (the cause of what follows)."""
        state = JobState()
        requested: Envelope | None = None
        for stored in await self.events.load(job_subject(workspace_id, job_id)):
            if requested is None and stored.envelope.type == "scraper.ScrapeRequested":
                requested = stored.envelope
            state = evolve(state, stored.message, stored.sequence)
        return state, requested

    async def append(
        self,
        cause: Envelope,
        job_id: str,
        message: Message,
        what: str,
        *,
        expected: int | None = None,
    ) -> AppendResult:
        envelope = cause.caused(message, event_id=event_id(cause.workspace_id, job_id, what))
        return await self.events.append(
            job_subject(cause.workspace_id, job_id), [envelope], expected
        )
