"""Reading one subject of a stream with batched direct gets.

A direct get is answered by any replica without creating a consumer, and one request returns up
to `batch` messages, so loading an aggregate costs one round trip per `batch` events.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

_DIRECT_GET = "$JS.API.DIRECT.GET.{stream}"


@dataclass(frozen=True)
class RawStored:
    sequence: int
    subject: str
    headers: dict[str, str]
    data: bytes


class ReadError(Exception):
    """The server answered a direct get with an error status (not 'no more messages')."""


@dataclass
class _Batch:
    messages: list[RawStored]
    more: bool  # the server has more matching messages beyond this batch
    next_sequence: int


class _Collector:
    """One batch request in flight: the messages so far, and the future its end completes."""

    def __init__(self, start: int, stream: str) -> None:
        self.start = start
        self.stream = stream
        self.collected: list[RawStored] = []
        self.done: asyncio.Future[_Batch] = asyncio.get_running_loop().create_future()

    def take(self, msg: Msg) -> None:
        headers = dict(msg.headers or {})
        status = headers.get("Status")
        if status is None:
            self.collected.append(
                RawStored(int(headers["Nats-Sequence"]), headers["Nats-Subject"], headers, msg.data)
            )
        elif self.done.done():
            return
        elif status == "404":  # nothing (more) on this subject
            self.done.set_result(_Batch(self.collected, more=False, next_sequence=self.start))
        elif status == "204":  # end of batch
            more = int(headers.get("Nats-Num-Pending", "0")) > 0
            next_seq = int(headers.get("Nats-Last-Sequence", "0")) + 1
            self.done.set_result(_Batch(self.collected, more, next_seq))
        else:
            self.done.set_exception(
                ReadError(f"direct get on {self.stream} failed: {status} {msg.data!r}")
            )


class _Replies:
    """One wildcard inbox per connection for every batched direct get it makes.

    A subscription per request would cost a SUB and an UNSUB each, and every change of interest
    makes the server rebuild its subject cache for the account: under load that churn slowed
    every publish on the server, not just the reads.
    """

    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc
        self._prefix = nc.new_inbox()
        self._pending: dict[str, _Collector] = {}
        self._sub: Subscription | None = None
        self._ready = asyncio.Lock()
        self._next = itertools.count()

    async def ask(
        self, stream: str, request: dict[str, object], start: int, timeout: float
    ) -> _Batch:
        if self._sub is None:
            async with self._ready:
                if self._sub is None:
                    self._sub = await self._nc.subscribe(
                        f"{self._prefix}.*", cb=self._route, pending_msgs_limit=1_000_000
                    )
        token = str(next(self._next))
        collector = _Collector(start, stream)
        self._pending[token] = collector
        try:
            await self._nc.publish(
                _DIRECT_GET.format(stream=stream),
                json.dumps(request).encode(),
                f"{self._prefix}.{token}",
            )
            return await asyncio.wait_for(collector.done, timeout)
        finally:
            del self._pending[token]

    async def _route(self, msg: Msg) -> None:
        collector = self._pending.get(msg.subject.rsplit(".", 1)[1])
        if collector is not None:  # else a late answer to a request that timed out
            collector.take(msg)


_REPLIES: weakref.WeakKeyDictionary[NatsClient, _Replies] = weakref.WeakKeyDictionary()


async def _fetch_batch(
    nc: NatsClient, stream: str, subject: str, start: int, batch: int, timeout: float
) -> _Batch:
    replies = _REPLIES.get(nc)
    if replies is None:
        replies = _REPLIES[nc] = _Replies(nc)
    request = {"seq": start, "next_by_subj": subject, "batch": batch}
    return await replies.ask(stream, request, start, timeout)


async def read_subject(
    nc: NatsClient,
    stream: str,
    subject: str,
    *,
    start_sequence: int = 1,
    batch: int = 1000,
    timeout: float = 5.0,
) -> AsyncIterator[RawStored]:
    """Yield every message of `subject` from `start_sequence` on, in stream order."""
    next_seq = max(start_sequence, 1)
    while True:
        fetched = await _fetch_batch(nc, stream, subject, next_seq, batch, timeout)
        for raw in fetched.messages:
            yield raw
        if not fetched.more:
            return
        next_seq = fetched.next_sequence
