"""Webhook deliveries as Stripe makes them: signed, retried, and on request held, shuffled,
duplicated, stale or forged.

Stripe delivers at least once and in no guaranteed order (platform-facts §B2), so a receiver
that only ever sees one tidy copy of each event in order has not been tested. Deliveries are
sequential through one queue: automatic ones go out in generation order unless told otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import random
import time
from dataclasses import dataclass, field
from typing import Literal

import aiohttp

from parley.billing.testing.stripe_objects import Json

SignatureKind = Literal["valid", "stale", "forged"]

log = logging.getLogger(__name__)

# Stripe's libraries reject signatures older than 300 s; a stale delivery is just past that.
STALE_BY = 301
FORGED_SECRET = "whsec_not_the_endpoint_secret"


def signature_header(body: bytes, secret: str, timestamp: int) -> str:
    """`Stripe-Signature`: HMAC-SHA256 over `{t}.{exact body}`, keyed by the endpoint secret."""
    signed = str(timestamp).encode() + b"." + body
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def event_body(event: Json) -> bytes:
    """Stripe pretty-prints its payloads; receivers must verify these bytes, not a re-dump."""
    return json.dumps(event, indent=2).encode()


@dataclass(frozen=True)
class Delivery:
    """One POST attempt of one event; `status` is None when the connection failed."""

    event_id: str
    type: str
    status: int | None
    attempt: int
    signature: SignatureKind
    body: bytes

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True)
class _Job:
    event: Json
    signature: SignatureKind


@dataclass
class WebhookEmitter:
    """Posts events to one endpoint URL; `attempts` tries per delivery, back to back."""

    url: str | None
    secret: str
    attempts: int = 3
    deliveries: list[Delivery] = field(default_factory=list)
    _holding: bool = False
    _held: list[Json] = field(default_factory=list)
    _queue: asyncio.Queue[_Job] | None = None
    _worker: asyncio.Task[None] | None = None
    _session: aiohttp.ClientSession | None = None

    def publish(self, event: Json) -> None:
        """A new event: deliver it in the background, or keep it while held."""
        if self._holding:
            self._held.append(event)
        elif self.url is not None:
            self._enqueue(_Job(event, "valid"))

    def hold(self) -> None:
        self._holding = True

    @property
    def held(self) -> list[Json]:
        return list(self._held)

    async def release(
        self, *, reorder: bool = False, duplicate: bool = False, seed: int = 0
    ) -> list[Delivery]:
        """Stop holding and deliver what was held; returns the attempts made meanwhile."""
        events, self._held, self._holding = self._held, [], False
        if duplicate:
            events = [event for event in events for _ in range(2)]
        if reorder and len({event["id"] for event in events}) > 1:
            shuffled = events[:]
            random.Random(seed).shuffle(shuffled)
            # A shuffle may give the original order back; a reorder must differ from it.
            events = shuffled if shuffled != events else events[::-1]
        if self.url is None:
            return []
        return await self._deliver_all([_Job(event, "valid") for event in events])

    async def send(
        self, event: Json, *, stale: bool = False, forged: bool = False, duplicate: bool = False
    ) -> list[Delivery]:
        """Re-send one event now, optionally with a stale timestamp or a wrong secret."""
        if self.url is None:
            raise RuntimeError("no webhook_url: FakeStripe has nowhere to send events")
        kind: SignatureKind = "forged" if forged else "stale" if stale else "valid"
        return await self._deliver_all([_Job(event, kind)] * (2 if duplicate else 1))

    async def delivered(self) -> None:
        """Wait until every queued delivery (retries included) has finished."""
        if self._queue is not None:
            await self._queue.join()

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
            self._worker = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- the delivery loop -------------------------------------------------------------------

    def _enqueue(self, job: _Job) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._run())
        self._queue.put_nowait(job)

    async def _deliver_all(self, jobs: list[_Job]) -> list[Delivery]:
        start = len(self.deliveries)
        for job in jobs:
            self._enqueue(job)
        await self.delivered()
        return self.deliveries[start:]

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            job = await self._queue.get()
            try:
                await self._deliver(job)
            finally:
                self._queue.task_done()

    async def _deliver(self, job: _Job) -> None:
        assert self.url is not None
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        body = event_body(job.event)
        for attempt in range(1, self.attempts + 1):
            # Each attempt is signed afresh, as Stripe's retries carry a new timestamp.
            now = int(time.time())
            timestamp = now - STALE_BY if job.signature == "stale" else now
            secret = FORGED_SECRET if job.signature == "forged" else self.secret
            headers = {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
                "Stripe-Signature": signature_header(body, secret, timestamp),
            }
            status: int | None
            try:
                async with self._session.post(self.url, data=body, headers=headers) as response:
                    status = response.status
                    await response.read()
            except (aiohttp.ClientError, TimeoutError):
                status = None
            delivery = Delivery(
                job.event["id"], job.event["type"], status, attempt, job.signature, body
            )
            self.deliveries.append(delivery)
            log.info(
                "webhook %s %s (%s) attempt %d: %s",
                delivery.type,
                delivery.event_id,
                delivery.signature,
                attempt,
                status if status is not None else "connection failed",
            )
            if delivery.ok:
                return
