"""Provider message id (wamid) -> the send it belongs to, and how far its status has come.

Status webhooks name only the wamid. The record is written right after the provider accepts
the send, and its status only moves forward (compare-and-set), so duplicated and reordered
webhooks end in the right state and each step is announced once.
"""

from __future__ import annotations

import contextlib
import hashlib

from nats.aio.client import Client as NatsClient
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from pydantic import BaseModel, ConfigDict

from parley.messaging.adapters import buckets
from parley.messaging.domain.statuses import advance
from parley.runtime.kv import LazyBucket, cas_update


class SentMessageRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    workspace_id: str
    ledger_key: str
    command_id: str
    contact_id: str
    channel_id: str
    execution_id: str | None = None
    status: str = "sent"


def _key(provider_message_id: str) -> str:
    # wamids are base64 and may hold characters a KV key cannot.
    return "m." + hashlib.sha256(provider_message_id.encode()).hexdigest()[:48]


class ProviderIds:
    def __init__(self, nc: NatsClient) -> None:
        self._bucket = LazyBucket(nc, buckets.PROVIDER_IDS)

    async def remember(self, provider_message_id: str, ref: SentMessageRef) -> None:
        kv = await self._bucket()
        # Create only: a record already there (a redelivery) keeps the status it has reached.
        with contextlib.suppress(KeyWrongLastSequenceError):
            await kv.create(_key(provider_message_id), ref.model_dump_json().encode())

    async def get(self, provider_message_id: str) -> SentMessageRef | None:
        kv = await self._bucket()
        try:
            entry = await kv.get(_key(provider_message_id))
        except KeyNotFoundError:
            return None
        return SentMessageRef.model_validate_json(entry.value or b"{}")

    async def advance(self, provider_message_id: str, status: str) -> SentMessageRef | None:
        """Move the status forward; the updated ref if it moved, None if stale or unknown."""
        moved: SentMessageRef | None = None

        def change(current: bytes | None) -> bytes | None:
            nonlocal moved
            moved = None
            if current is None:
                return None
            ref = SentMessageRef.model_validate_json(current)
            new = advance(ref.status, status)
            if new is None:
                return None
            moved = ref.model_copy(update={"status": new})
            return moved.model_dump_json().encode()

        await cas_update(await self._bucket(), _key(provider_message_id), change)
        return moved
