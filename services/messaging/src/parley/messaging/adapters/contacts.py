"""Conversations in KV, one per contact: `<ws>.<contact_id>`.

Written when a contact writes in (their WhatsApp id, our number, the window) and when crm
reports an opt-out or opt-in; read on every send.
"""

from __future__ import annotations

from datetime import datetime

from nats.aio.client import Client as NatsClient
from nats.js.errors import KeyNotFoundError
from pydantic import BaseModel, ConfigDict

from parley.messaging.adapters import buckets
from parley.runtime.kv import LazyBucket, cas_update


class Conversation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    wa_id: str = ""
    channel_id: str = ""
    last_inbound_at: datetime | None = None
    first_inbound_at: datetime | None = None
    opted_out: bool = False
    opted_out_at: datetime | None = None


class Conversations:
    def __init__(self, nc: NatsClient) -> None:
        self._bucket = LazyBucket(nc, buckets.CONTACTS)

    async def get(self, workspace_id: str, contact_id: str) -> Conversation | None:
        kv = await self._bucket()
        try:
            entry = await kv.get(f"{workspace_id}.{contact_id}")
        except KeyNotFoundError:
            return None
        return Conversation.model_validate_json(entry.value or b"{}")

    async def wrote_in(
        self, workspace_id: str, contact_id: str, wa_id: str, channel_id: str, at: datetime
    ) -> bool:
        """Record an inbound message; True if it is the contact's first to this workspace."""
        first = False

        def change(current: bytes | None) -> bytes | None:
            nonlocal first
            old = Conversation.model_validate_json(current) if current else None
            first = old is None or old.first_inbound_at is None
            base = old or Conversation()
            # Webhooks arrive out of order: the window follows the newest message only.
            last = base.last_inbound_at
            newer = last is None or at > last
            return (
                base.model_copy(
                    update={
                        "wa_id": wa_id,
                        "channel_id": channel_id
                        if newer or not base.channel_id
                        else base.channel_id,
                        "last_inbound_at": at if newer else last,
                        "first_inbound_at": base.first_inbound_at or at,
                    }
                )
                .model_dump_json()
                .encode()
            )

        await cas_update(await self._bucket(), f"{workspace_id}.{contact_id}", change)
        return first

    async def set_opt_out(
        self, workspace_id: str, contact_id: str, opted_out: bool, at: datetime
    ) -> None:
        def change(current: bytes | None) -> bytes | None:
            base = Conversation.model_validate_json(current) if current else Conversation()
            if base.opted_out_at is not None and at < base.opted_out_at:
                return None  # an older consent event arriving late changes nothing
            update = {"opted_out": opted_out, "opted_out_at": at}
            return base.model_copy(update=update).model_dump_json().encode()

        await cas_update(await self._bucket(), f"{workspace_id}.{contact_id}", change)

    async def forget(self, workspace_id: str, contact_id: str) -> str:
        """Drop what identifies the contact (their WhatsApp id, when they wrote) and return the
        WhatsApp id it held. The opt-out stays: an erased person who said STOP must not be
        messaged again because their record was emptied."""
        forgotten = ""

        def change(current: bytes | None) -> bytes | None:
            nonlocal forgotten
            if current is None:
                return None
            base = Conversation.model_validate_json(current)
            forgotten = base.wa_id
            kept = Conversation(opted_out=base.opted_out, opted_out_at=base.opted_out_at)
            return kept.model_dump_json().encode()

        await cas_update(await self._bucket(), f"{workspace_id}.{contact_id}", change)
        return forgotten
