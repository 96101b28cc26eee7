"""Channels in KV: `<ws>.<channel_id>` holds the record, `number.<phone_number_id>` says which
workspace and channel a provider number belongs to (for inbound webhooks, which name only it).

Reads on the send path go through a short per-process cache: a change (pause, new rate) reaches
every replica within `CACHE_SECONDS`, and a paused number is also caught by the provider's own
refusal in the meantime.
"""

from __future__ import annotations

import asyncio
import time

from nats.aio.client import Client as NatsClient
from nats.js.errors import KeyNotFoundError

from parley.messaging.adapters import buckets
from parley.messaging.domain.channels import ChannelRecord
from parley.runtime.kv import LazyBucket, cas_update

CACHE_SECONDS = 2.0


def _key(workspace_id: str, channel_id: str) -> str:
    return f"{workspace_id}.{channel_id}"


def _number_key(phone_number_id: str) -> str:
    return f"number.{phone_number_id}"


def _display_key(display_phone_number: str) -> str | None:
    """Quality webhooks name the number only by its display form (`15550783881`)."""
    digits = "".join(c for c in display_phone_number if c.isdigit())
    return f"display.{digits}" if digits else None


class ChannelStore:
    def __init__(self, nc: NatsClient) -> None:
        self._bucket = LazyBucket(nc, buckets.CHANNELS)
        self._cache: dict[str, tuple[float, ChannelRecord | None]] = {}
        self._defaults: dict[str, tuple[float, ChannelRecord | None]] = {}
        self._listing = asyncio.Lock()

    async def get(self, workspace_id: str, channel_id: str) -> ChannelRecord | None:
        kv = await self._bucket()
        try:
            entry = await kv.get(_key(workspace_id, channel_id))
        except KeyNotFoundError:
            return None
        return ChannelRecord.model_validate_json(entry.value or b"{}")

    async def cached(self, workspace_id: str, channel_id: str) -> ChannelRecord | None:
        key = _key(workspace_id, channel_id)
        hit = self._cache.get(key)
        now = time.monotonic()
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        record = await self.get(workspace_id, channel_id)
        self._cache[key] = (now, record)
        return record

    async def put(self, record: ChannelRecord) -> None:
        kv = await self._bucket()
        await kv.put(
            _key(record.workspace_id, record.channel_id), record.model_dump_json().encode()
        )
        await self._index(record)
        self._cache.pop(_key(record.workspace_id, record.channel_id), None)

    async def _index(self, record: ChannelRecord) -> None:
        kv = await self._bucket()
        owner = f"{record.workspace_id}.{record.channel_id}".encode()
        await kv.put(_number_key(record.view.phone_number_id), owner)
        display = _display_key(record.view.display_phone_number)
        if display is not None:
            await kv.put(display, owner)

    async def create(self, record: ChannelRecord) -> bool:
        """Store a new channel; False if the id is taken in this workspace."""
        key = _key(record.workspace_id, record.channel_id)
        stored, _ = await cas_update(
            await self._bucket(),
            key,
            lambda current: record.model_dump_json().encode() if current is None else None,
        )
        if stored != record.model_dump_json().encode():
            return False
        await self._index(record)
        return True

    async def owner_of(self, phone_number_id: str) -> ChannelRecord | None:
        """The channel a provider number is connected as, wherever it is."""
        return await self._owner(_number_key(phone_number_id))

    async def owner_of_display(self, display_phone_number: str) -> ChannelRecord | None:
        key = _display_key(display_phone_number)
        return await self._owner(key) if key else None

    async def _owner(self, key: str) -> ChannelRecord | None:
        kv = await self._bucket()
        try:
            entry = await kv.get(key)
        except KeyNotFoundError:
            return None
        workspace_id, channel_id = (entry.value or b".").decode().split(".", 1)
        return await self.cached(workspace_id, channel_id)

    async def first_active(self, workspace_id: str) -> ChannelRecord | None:
        """The workspace's oldest active number, for sends that name none; cached, because a
        campaign asks this once per message and a listing costs a watch on the server."""
        hit = self._defaults.get(workspace_id)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        # Hundreds of sends in flight miss the cache together: one of them lists, the others
        # wait for its answer instead of each opening a watch.
        async with self._listing:
            hit = self._defaults.get(workspace_id)
            if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
                return hit[1]
            found = next((r for r in await self.in_workspace(workspace_id) if r.active), None)
            self._defaults[workspace_id] = (time.monotonic(), found)
            return found

    async def in_workspace(self, workspace_id: str) -> list[ChannelRecord]:
        kv = await self._bucket()
        # A watch on the workspace's keys: the server filters by subject (kv.keys() would list
        # every workspace's keys and filter them in this process).
        watcher = await kv.watch(f"{workspace_id}.*", ignore_deletes=True)
        records = []
        try:
            async for entry in watcher:
                if entry is None:
                    break  # the initial values are all in
                if entry.value:
                    records.append(ChannelRecord.model_validate_json(entry.value))
        finally:
            await watcher.stop()  # type: ignore[no-untyped-call]  # nats-py leaves it untyped
        return sorted(records, key=lambda r: (r.view.connected_at, r.channel_id))
