"""The messaging tier cap: unique users reached outside a customer service window per business
portfolio in a moving 24 h (platform-facts §A3). Meta gives no error for it, so we count.

`r.<portfolio>.<recipient>` marks a user as reached (expires after 24 h with the bucket's TTL);
`count.<portfolio>` holds how many were first reached in each of the last 24 clock hours, changed
by compare-and-set, so replicas together never pass the cap. Counting by hour errs on the safe
side: a user stays counted up to an hour longer than 24 h.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from nats.aio.client import Client as NatsClient
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

from parley.messaging.adapters import buckets
from parley.messaging.adapters.rate_limits import RateLimited
from parley.runtime.kv import LazyBucket, cas_update

HOURS = 24


@dataclass
class _Admission:
    """Recipients waiting to be counted in a portfolio, counted together in one CAS."""

    waiting: list[asyncio.Future[float | None]] = field(default_factory=list)
    counting: bool = False


class Reach:
    def __init__(self, nc: NatsClient, clock: Callable[[], float] = time.time) -> None:
        self._bucket = LazyBucket(nc, buckets.REACH)
        self._clock = clock
        self._admissions: dict[str, _Admission] = {}

    async def admit(self, portfolio: str, recipient: str, cap: int | None) -> None:
        """Count `recipient` against the portfolio's cap, or raise RateLimited until the oldest
        hour leaves the window. A recipient already reached costs nothing again."""
        if cap is None:
            return
        kv = await self._bucket()
        marker = f"r.{portfolio}.{hashlib.sha256(recipient.encode()).hexdigest()[:32]}"
        try:
            await kv.get(marker)
            return
        except KeyNotFoundError:
            pass
        wait = await self._count(portfolio, cap)
        if wait is not None:
            raise RateLimited("messaging tier", wait)
        # Another delivery may mark them at the same moment: counted twice, erring safe.
        with contextlib.suppress(KeyWrongLastSequenceError):
            await kv.create(marker, b"1")

    async def _count(self, portfolio: str, cap: int) -> float | None:
        """Count one more recipient; None if admitted, else how long to wait. Concurrent
        callers in this process share one compare-and-set (a campaign reaches hundreds of new
        people a second, and one CAS each on one key would only fight itself)."""
        admission = self._admissions.setdefault(portfolio, _Admission())
        answer: asyncio.Future[float | None] = asyncio.get_running_loop().create_future()
        admission.waiting.append(answer)
        if not admission.counting:
            admission.counting = True
            try:
                while admission.waiting:
                    batch, admission.waiting = admission.waiting, []
                    await self._count_batch(portfolio, cap, batch)
            finally:
                admission.counting = False
        return await answer

    async def _count_batch(
        self, portfolio: str, cap: int, batch: list[asyncio.Future[float | None]]
    ) -> None:
        now = self._clock()
        hour = int(now // 3600)
        admitted = 0
        wait = 0.0

        def change(current: bytes | None) -> bytes | None:
            nonlocal admitted, wait
            counts = {int(h): n for h, n in json.loads(current or b"{}").items()}
            counts = {h: n for h, n in counts.items() if h > hour - HOURS}
            admitted = max(0, min(len(batch), cap - sum(counts.values())))
            if admitted < len(batch):
                oldest = min(counts) if counts else hour
                wait = (oldest + HOURS) * 3600 - now + 1
            if admitted == 0:
                return None
            counts[hour] = counts.get(hour, 0) + admitted
            return json.dumps(counts).encode()

        try:
            await cas_update(await self._bucket(), f"count.{portfolio}", change)
        except Exception as err:  # noqa: BLE001 - every waiter gets the failure
            for answer in batch:
                answer.set_exception(err)
            return
        for n, answer in enumerate(batch):
            answer.set_result(None if n < admitted else wait)

    async def used(self, portfolio: str) -> int:
        kv = await self._bucket()
        hour = int(self._clock() // 3600)
        try:
            entry = await kv.get(f"count.{portfolio}")
        except KeyNotFoundError:
            return 0
        counts = {int(h): n for h, n in json.loads(entry.value or b"{}").items()}
        return sum(n for h, n in counts.items() if h > hour - HOURS)
