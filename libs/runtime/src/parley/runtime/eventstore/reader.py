"""Reading one subject of a stream with batched direct gets.

A direct get is answered by any replica without creating a consumer, and one request returns up
to `batch` messages, so loading an aggregate costs one round trip per `batch` events.
"""

from __future__ import annotations

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
    pass


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
    inbox = nc.new_inbox()
    sub = await nc.subscribe(inbox)
    try:
        next_seq = max(start_sequence, 1)
        while True:
            request = {"seq": next_seq, "next_by_subj": subject, "batch": batch}
            await nc.publish(
                _DIRECT_GET.format(stream=stream), json.dumps(request).encode(), reply=inbox
            )
            more = False
            while True:
                msg: Msg = await sub.next_msg(timeout=timeout)
                headers = dict(msg.headers or {})
                status = headers.get("Status")
                if status == "404":
                    return
                if status == "204":  # end of this batch
                    more = int(headers.get("Nats-Num-Pending", "0")) > 0
                    next_seq = int(headers.get("Nats-Last-Sequence", "0")) + 1
                    break
                if status is not None:
                    raise ReadError(f"direct get on {stream} failed: {status} {msg.data!r}")
                yield RawStored(
                    sequence=int(headers["Nats-Sequence"]),
                    subject=headers["Nats-Subject"],
                    headers=headers,
                    data=msg.data,
                )
            if not more:
                return
    finally:
        await sub.unsubscribe()
