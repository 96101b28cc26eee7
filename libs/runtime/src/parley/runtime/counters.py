"""JetStream counters (ADR-49): a subject's value is the sum of every `Nats-Incr` on it.

An increment carries a `Nats-Msg-Id` derived from the event it counts, so a redelivered event
inside the stream's duplicate window does not count twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError


class CounterError(Exception):
    """The server refused an increment (for example: the subject is not on a counter stream)."""


@dataclass(frozen=True)
class Added:
    value: int  # the counter after this increment (for a duplicate: after the first one)
    duplicate: bool  # the msg id was seen in the duplicate window: nothing was added now


async def add(
    nc: NatsClient, subject: str, by: int = 1, *, msg_id: str | None = None, timeout: float = 5
) -> Added:
    """Add `by` (may be negative); say whether it counted and what the counter holds now."""
    headers = {"Nats-Incr": f"{by:+d}"}
    if msg_id is not None:
        headers["Nats-Msg-Id"] = msg_id
    reply = await nc.request(subject, b"", timeout=timeout, headers=headers)
    body = json.loads(reply.data)
    if "error" in body:
        raise CounterError(f"increment of {subject} refused: {body['error'].get('description')}")
    if "val" in body:
        return Added(int(body["val"]), duplicate=bool(body.get("duplicate", False)))
    # A duplicate (same msg id) is acknowledged without a value, naming the sequence of the
    # increment it repeats: that increment's stored total is what it produced. (The current
    # value would not do: a redone batch's first event must not see its last event's count,
    # nor a retried reservation the others that came after it.)
    stream = str(body["stream"])
    js = nc.jetstream()
    try:
        first = await js.get_msg(stream, int(body["seq"]))  # rare: no need for direct gets
    except (NotFoundError, KeyError, ValueError):
        return Added(await value(js, stream, subject), duplicate=True)  # purged since
    return Added(int(json.loads(first.data or b"{}").get("val", "0")), duplicate=True)


async def increment(
    nc: NatsClient, subject: str, by: int = 1, *, msg_id: str | None = None, timeout: float = 5
) -> int:
    """Add `by` (may be negative) and return the counter's new value."""
    return (await add(nc, subject, by, msg_id=msg_id, timeout=timeout)).value


async def value(js: JetStreamContext, stream: str, subject: str) -> int:
    """The counter's current value; 0 if it was never incremented."""
    try:
        last = await js.get_last_msg(stream, subject)
    except NotFoundError:
        return 0
    return int(json.loads(last.data or b"{}").get("val", "0"))
