"""The never-twice ledger: one KV record per SendMessage, `<ws>.<command token>`.

A send is claimed (state `calling`, with a compare-and-set so only one replica wins) before the
provider is called, and its outcome is written before the outcome event is published. So a
redelivered command finds either the outcome (and republishes it: the event has a deterministic
msg id, so that is idempotent), or a claim. A claim older than the longest a call can take means
the process died mid-call: whether the provider took the message is unknown.

A record also says whether the send has passed the plan's message limit (`quota_reserved`) and
which counters hold its unit, so the limit is taken once per send whatever the redeliveries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from nats.aio.client import Client as NatsClient
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from pydantic import BaseModel, ConfigDict

from parley.messaging.adapters import buckets
from parley.runtime.kv import LazyBucket

SendState = Literal["calling", "waiting", "sent", "failed"]


class SendRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    state: SendState
    at: datetime  # when this state was entered
    attempt: int = 0  # provider calls made so far
    channel_id: str = ""
    to: str = ""
    provider_message_id: str = ""
    code: str = ""
    reason: str = ""
    remedy: str = ""
    retryable: bool = False
    first_error_at: datetime | None = None  # when retrying began, to bound how long it goes on
    # The plan's message limit let this send through: a redelivery never asks again, so a
    # plan lowered afterwards does not refuse a message already accepted.
    quota_reserved: bool = False
    # The admission counters holding its unit (none on the sandbox or without entitlements),
    # given back if the send ends without reaching WhatsApp.
    quota_subjects: tuple[str, ...] = ()

    @property
    def settled(self) -> bool:
        return self.state in ("sent", "failed")


class SendLedger:
    def __init__(self, nc: NatsClient) -> None:
        self._bucket = LazyBucket(nc, buckets.SENDS)

    async def get(self, key: str) -> tuple[SendRecord | None, int | None]:
        kv = await self._bucket()
        try:
            entry = await kv.get(key)
        except KeyNotFoundError:
            return None, None
        return SendRecord.model_validate_json(entry.value or b"{}"), entry.revision

    async def claim(self, key: str, record: SendRecord, revision: int | None) -> int | None:
        """Write `record` if the key is still at `revision` (None: absent). The new revision,
        or None if another delivery got there first."""
        kv = await self._bucket()
        data = record.model_dump_json().encode()
        try:
            if revision is None:
                return await kv.create(key, data)
            return await kv.update(key, data, last=revision)
        except KeyWrongLastSequenceError:
            return None

    async def settle(self, key: str, record: SendRecord) -> None:
        """Write an outcome. Unconditional: only the delivery holding the claim gets here."""
        kv = await self._bucket()
        await kv.put(key, record.model_dump_json().encode())
