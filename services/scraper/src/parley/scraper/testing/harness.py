"""Asking a running scraper over NATS as the gateway does, and reading a job's log: helpers of
the scraper's tests (and of anyone testing against a real scraper)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from nats.aio.client import Client as NatsClient
from nats.errors import NoRespondersError

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message, Query, Reply
from parley.contracts.scraper.jobs import (
    GetScrapeJob,
    JobChangeResult,
    JobReply,
    ListSources,
    ScrapeFinished,
    StartScrape,
)
from parley.contracts.streams import SCRAPER
from parley.contracts.subjects import event_subject
from parley.runtime.eventstore import EventStore
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

R = TypeVar("R", bound=Reply)
M = TypeVar("M", bound=Message)

ScraperFactory = Callable[..., AbstractAsyncContextManager[Service]]


def _kebab(query: Query) -> str:
    bare = query.wire_name.split(".", 1)[1]
    return "".join("-" + ch.lower() if ch.isupper() else ch for ch in bare).lstrip("-")


async def ask(nc: NatsClient, ws: str, query: Query, reply: type[R]) -> R:
    envelope = Envelope.wrap(query, workspace_id=ws)
    answer = await nc.request(
        query_subject("scraper", _kebab(query)), envelope.to_bytes(), timeout=10
    )
    assert not answer.headers or "Nats-Service-Error" not in answer.headers, answer.headers
    return reply.model_validate_json(answer.data)


async def answers(nc: NatsClient) -> bool:
    envelope = Envelope.wrap(ListSources(), workspace_id="probe")
    try:
        await nc.request(query_subject("scraper", "list-sources"), envelope.to_bytes(), timeout=2)
    except (NoRespondersError, TimeoutError):
        return False
    return True


def new_job_id() -> str:
    return f"job-{uuid.uuid4().hex[:12]}"


async def start(nc: NatsClient, ws: str, **fields: Any) -> str:
    job_id = fields.pop("job_id", None) or new_job_id()
    result = await ask(nc, ws, StartScrape(job_id=job_id, **fields), JobChangeResult)
    assert result.ok, result.problems
    return job_id


async def events_of(nc: NatsClient, ws: str, job_id: str, kind: type[M]) -> list[M]:
    loaded = await EventStore(nc, SCRAPER.name).load(event_subject("scraper", ws, job_id))
    return [e.message for e in loaded if isinstance(e.message, kind)]


async def finished(nc: NatsClient, ws: str, job_id: str, timeout: float = 20) -> ScrapeFinished:
    async def done() -> bool:
        return bool(await events_of(nc, ws, job_id, ScrapeFinished))

    await eventually(done, timeout=timeout)
    [end] = await events_of(nc, ws, job_id, ScrapeFinished)
    return end


async def projected(nc: NatsClient, ws: str, job_id: str, leads_limit: int = 50) -> JobReply:
    """The job as get-scrape-job shows it, once the read model has its end."""
    reply: JobReply | None = None

    async def ended() -> bool:
        nonlocal reply
        reply = await ask(nc, ws, GetScrapeJob(job_id=job_id, leads_limit=leads_limit), JobReply)
        return reply.job is not None and reply.job.status != "running"

    await eventually(ended, timeout=10)
    assert reply is not None
    return reply
