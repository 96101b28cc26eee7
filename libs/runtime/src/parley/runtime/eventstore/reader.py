"""Reading one subject of a stream with batched direct gets.

A direct get is answered by any replica without creating a consumer, and one request returns up
to `batch` messages, so loading an aggregate costs one round trip per `batch` events.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

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


async def _fetch_batch(
    nc: NatsClient, stream: str, subject: str, start: int, batch: int, timeout: float
) -> _Batch:
    # A callback collecting into a list is several times cheaper per message than awaiting
    # `next_msg` for each one; the end-of-batch status completes the future.
    loop = asyncio.get_running_loop()
    done: asyncio.Future[_Batch] = loop.create_future()
    collected: list[RawStored] = []

    async def on_message(msg: Msg) -> None:
        headers = dict(msg.headers or {})
        status = headers.get("Status")
        if status is None:
            collected.append(
                RawStored(int(headers["Nats-Sequence"]), headers["Nats-Subject"], headers, msg.data)
            )
        elif done.done():
            return
        elif status == "404":  # nothing (more) on this subject
            done.set_result(_Batch(collected, more=False, next_sequence=start))
        elif status == "204":  # end of batch
            more = int(headers.get("Nats-Num-Pending", "0")) > 0
            next_seq = int(headers.get("Nats-Last-Sequence", "0")) + 1
            done.set_result(_Batch(collected, more, next_seq))
        else:
            done.set_exception(ReadError(f"direct get on {stream} failed: {status} {msg.data!r}"))

    inbox = nc.new_inbox()
    sub = await nc.subscribe(inbox, cb=on_message, pending_msgs_limit=batch * 2 + 10)
    try:
        request = {"seq": start, "next_by_subj": subject, "batch": batch}
        await nc.publish(_DIRECT_GET.format(stream=stream), json.dumps(request).encode(), inbox)
        return await asyncio.wait_for(done, timeout)
    finally:
        await sub.unsubscribe()


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
