"""Finding every running service instance over NATS.

Each instance serves its `health` micro endpoint on `HEALTH_SUBJECT` in a queue group of its own,
so one request reaches every instance (a shared queue group would reach only one of them) and the
asker gathers all the replies that arrive within a short window.
"""

from __future__ import annotations

import asyncio
import time

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from pydantic import ValidationError

from parley.contracts.system import HealthQuery, HealthReport

HEALTH_SUBJECT = "parley.health"


def health_queue_group(instance_id: str) -> str:
    return f"health-{instance_id}"


async def request_many(
    nc: NatsClient,
    subject: str,
    payload: bytes = b"",
    *,
    timeout: float = 2.0,
    idle: float = 0.3,
) -> list[Msg]:
    """Publish one request and collect replies until `timeout`, or until `idle` seconds pass
    without a new reply once the first has come (responders on one network answer together)."""
    inbox = nc.new_inbox()
    replies: asyncio.Queue[Msg] = asyncio.Queue()

    async def collect(msg: Msg) -> None:
        await replies.put(msg)

    sub = await nc.subscribe(inbox, cb=collect)
    try:
        await nc.publish(subject, payload, reply=inbox)
        await nc.flush()
        gathered: list[Msg] = []
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            wait = min(left, idle) if gathered else left
            try:
                gathered.append(await asyncio.wait_for(replies.get(), wait))
            except TimeoutError:
                break
        return gathered
    finally:
        await sub.unsubscribe()


async def gather_health(
    nc: NatsClient, *, timeout: float = 2.0, idle: float = 0.3
) -> tuple[list[HealthReport], list[str]]:
    """Health reports of every instance that answered, and the replies that were not reports."""
    query = HealthQuery().model_dump_json().encode()
    reports: list[HealthReport] = []
    unreadable: list[str] = []
    for msg in await request_many(nc, HEALTH_SUBJECT, query, timeout=timeout, idle=idle):
        try:
            reports.append(HealthReport.model_validate_json(msg.data))
        except ValidationError:
            unreadable.append(msg.data[:200].decode(errors="replace"))
    return reports, unreadable
