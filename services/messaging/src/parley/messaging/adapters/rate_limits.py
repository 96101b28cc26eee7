"""Rate limits every replica shares, as GCRA states in the `messaging_rates` KV bucket.

- Per number (`number.<phone_number_id>`): the number's messages/s. A replica reserves a short
  run of slots at once (about 50 ms of the rate, never more than it has messages waiting) with
  one compare-and-set, then sends each message at its slot time. Slots are disjoint across
  replicas, so together they keep the pace of one limiter, with one KV round trip per run.
  Inbound messages take slots too: Meta counts them against the same throughput.
- Per recipient (`pair.<phone_number_id>.<recipient>`): one message every 6 s with a small burst.

Over a limit, work waits. A wait longer than `max_wait` is not slept through while holding the
message: `RateLimited` tells the caller to put the message back for that long, and nothing is
reserved for it, so the wait costs no capacity.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from nats.aio.client import Client as NatsClient
from nats.js.errors import KeyWrongLastSequenceError

from parley.messaging.adapters import buckets
from parley.messaging.domain.pacing import Gcra
from parley.runtime.kv import LazyBucket, cas_update

LEASE_SECONDS = 0.05
MAX_LEASE = 64
# A reserved slot this late is dropped rather than used: sending it now would bunch up with the
# slots after it and overshoot the limit for a moment.
STALE_AFTER = 0.01
# Slots are paced this much under the configured rate: a message reaches WhatsApp a few ms after
# its slot, and not always the same few, so exact pacing would show as a brief excess in Meta's
# (or the fake's) one-second window. 0.5% is 5 ms of that jitter at any rate (measured at
# 1,000/s: no 130429 from the fake with it; `bench/messaging.py`).
HEADROOM = 0.005
PAIR_INTERVAL = 6.0
PAIR_BURST = 5


class RateLimited(Exception):
    def __init__(self, limit: str, delay: float) -> None:
        super().__init__(f"{limit}: wait {delay:.1f}s")
        self.limit = limit
        self.delay = delay


def _tat(raw: bytes | None) -> float | None:
    return float(json.loads(raw)["tat"]) if raw else None


def _state(tat: float) -> bytes:
    return json.dumps({"tat": tat}).encode()


@dataclass
class _NumberQueue:
    slots: deque[float] = field(default_factory=deque)
    waiting: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class RateLimits:
    def __init__(
        self,
        nc: NatsClient,
        *,
        max_wait: float = 10.0,
        pair_burst: int = PAIR_BURST,
        pair_interval: float = PAIR_INTERVAL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._bucket = LazyBucket(nc, buckets.RATES)
        self._numbers: dict[str, _NumberQueue] = {}
        self._max_wait = max_wait
        self._pair = Gcra(1.0 / pair_interval, pair_burst)
        self._clock = clock

    async def number_slot(self, phone_number_id: str, rate: float) -> None:
        """Return at this message's slot on the number (waiting for it)."""
        queue = self._numbers.setdefault(phone_number_id, _NumberQueue())
        queue.waiting += 1
        try:
            async with queue.lock:
                limit = Gcra(rate * (1 - HEADROOM))
                slot = await self._next_slot(phone_number_id, queue, limit)
        finally:
            queue.waiting -= 1
        delay = slot - self._clock()
        if delay > 0:
            await asyncio.sleep(delay)

    async def _next_slot(self, number: str, queue: _NumberQueue, limit: Gcra) -> float:
        now = self._clock()
        while queue.slots and queue.slots[0] < now - STALE_AFTER:
            queue.slots.popleft()
        if not queue.slots:
            count = max(1, min(queue.waiting, MAX_LEASE, int(limit.rate * LEASE_SECONDS)))
            queue.slots.extend(await self._reserve(f"number.{number}", limit, count))
        return queue.slots.popleft()

    async def _reserve(self, key: str, limit: Gcra, count: int) -> tuple[float, ...]:
        slots: tuple[float, ...] = ()

        def change(current: bytes | None) -> bytes | None:
            nonlocal slots
            now = self._clock()
            wait = limit.wait(_tat(current), now)
            if wait > self._max_wait:
                raise RateLimited("throughput", wait)
            reservation = limit.reserve(_tat(current), now, count)
            slots = reservation.slots
            return _state(reservation.tat)

        await cas_update(await self._bucket(), key, change)
        return slots

    async def take_inbound(self, phone_number_id: str, rate: float, count: int = 1) -> None:
        """Inbound messages count against the number's throughput: move its state on, without
        waiting (they have already arrived)."""
        limit = Gcra(rate)

        def change(current: bytes | None) -> bytes | None:
            reservation = limit.reserve(_tat(current), self._clock(), count)
            return _state(reservation.tat)

        await cas_update(await self._bucket(), f"number.{phone_number_id}", change)

    async def pair_slot(self, phone_number_id: str, recipient: str) -> None:
        """Wait for this recipient's pair limit; RateLimited when the wait is long."""
        key = f"pair.{phone_number_id}.{recipient}"
        now = self._clock()
        first = self._pair.reserve(None, now, 1)
        kv = await self._bucket()
        try:
            # Most sends go to someone not written to in the last hour: one create, no read.
            await kv.create(key, _state(first.tat))
            return
        except KeyWrongLastSequenceError:
            pass
        slots = await self._reserve(key, self._pair, 1)
        delay = slots[0] - self._clock()
        if delay > 0:
            await asyncio.sleep(delay)
