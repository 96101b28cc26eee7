"""Where each inbound message was routed, kept so that routing it again does the same thing.

Routing reads state that moves: the execution the message starts soon waits on the contact, so
a redelivered message (a crash before the ack) would be taken for that execution's reply. The
first decision is stored under the message id with a create-only write; a redelivery, on any
replica, finds it and repeats exactly those commands, which the stream then drops as duplicates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass

from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

from parley.runtime.kv import LazyBucket

BUCKET = "flow_engine_routed_messages"
# Longer than any redelivery: messaging's consumer gives up on a message well within a day.
KEEP_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Start:
    execution_id: str
    flow_id: str
    version: int
    trigger: str


@dataclass(frozen=True)
class Routing:
    """One of: a reply to `reply_to`, starts of new executions, or nothing (with why)."""

    reply_to: str | None = None
    starts: tuple[Start, ...] = ()
    reason: str = ""
    held_by: str | None = None  # a handover holds the contact: nothing is routed

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Routing:
        data = json.loads(raw)
        return cls(
            reply_to=data["reply_to"],
            starts=tuple(Start(**s) for s in data["starts"]),
            reason=data["reason"],
            held_by=data["held_by"],
        )


class RoutingLog:
    def __init__(self, nc: NatsClient, *, replicas: int = 1) -> None:
        self._kv = LazyBucket(
            nc,
            KeyValueConfig(
                bucket=BUCKET,
                history=1,
                ttl=KEEP_SECONDS,
                replicas=replicas,
                description="flow-engine: how each inbound message was routed",
            ),
        )

    async def once(
        self,
        workspace_id: str,
        message_id: str,
        route: Callable[[], Awaitable[Routing]],
        *,
        first_delivery: bool = False,
    ) -> Routing:
        """The routing of this message: decided by `route` the first time, then remembered.

        On a message's first delivery there is nothing to look up in the common case, so the
        read is skipped; the create-only write still catches a copy routed elsewhere.
        """
        kv = await self._kv()
        key = f"{workspace_id}.{hashlib.sha256(message_id.encode()).hexdigest()[:40]}"
        if not first_delivery:
            try:
                return Routing.from_bytes((await kv.get(key)).value or b"")
            except KeyNotFoundError:
                pass
        decided = await route()
        try:
            await kv.create(key, decided.to_bytes())
        except KeyWrongLastSequenceError:
            # Another replica routed the same message a moment ago: its decision stands.
            return Routing.from_bytes((await kv.get(key)).value or b"")
        return decided
