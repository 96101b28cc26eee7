"""Channels in KV: `<ws>.<channel_id>` holds the record, `number.<phone_number_id>` says which
workspace and channel a provider number belongs to (for inbound webhooks, which name only it),
and `verify.<fingerprint of the verify token>.<ws>.<channel_id>` which numbers have a given
verify token (for Meta's subscription handshake, which names only the token).

Reads on the send path go through a short per-process cache: a change (pause, new rate) reaches
every replica within `CACHE_SECONDS`, and a paused number is also caught by the provider's own
refusal in the meantime.
"""

from __future__ import annotations

import asyncio
import re
import time

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError, NotFoundError
from nats.js.kv import KeyValue
from pydantic import ValidationError

from parley.contracts.messaging.channels import CHANNEL_ID_PATTERN
from parley.messaging.adapters import buckets
from parley.messaging.domain.channels import ChannelRecord
from parley.runtime.kv import LazyBucket, cas_update
from parley.runtime.logs import get_logger

CACHE_SECONDS = 2.0
# Set once every channel stored before the verify index existed has been indexed (one key of a
# single token, so no `<ws>.<channel>` listing ever sees it).
VERIFY_INDEX_COMPLETE = "verify_index_complete"
_CHANNEL_ID = re.compile(CHANNEL_ID_PATTERN)

log = get_logger("parley.messaging.channels")


def _key(workspace_id: str, channel_id: str) -> str:
    return f"{workspace_id}.{channel_id}"


def _number_key(phone_number_id: str) -> str:
    return f"number.{phone_number_id}"


def _display_key(display_phone_number: str) -> str | None:
    """Quality webhooks name the number only by its display form (`15550783881`)."""
    digits = "".join(c for c in display_phone_number if c.isdigit())
    return f"display.{digits}" if digits else None


def _verify_key(fingerprint: str, workspace_id: str, channel_id: str) -> str:
    return f"verify.{fingerprint}.{workspace_id}.{channel_id}"


class ChannelStore:
    def __init__(self, nc: NatsClient) -> None:
        self._js = nc.jetstream()
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
        # A watch on the workspace's keys: the server filters by subject (kv.keys() would list
        # every workspace's keys and filter them in this process).
        records = [
            ChannelRecord.model_validate_json(value)
            for _, value in await _listing(self._js, await self._bucket(), f"{workspace_id}.*")
            if value
        ]
        return sorted(records, key=lambda r: (r.view.connected_at, r.channel_id))

    async def index_verify_token(self, record: ChannelRecord, fingerprint: str) -> None:
        """Index the channel under its verify token's fingerprint (several numbers of one Meta
        app share one token, hence one key per channel). Written before the record itself: an
        entry left by a write that then failed is harmless, a missing one is not."""
        kv = await self._bucket()
        await kv.put(_verify_key(fingerprint, record.workspace_id, record.channel_id), b"1")

    async def unindex_verify_token(self, record: ChannelRecord, fingerprint: str) -> None:
        kv = await self._bucket()
        await kv.delete(_verify_key(fingerprint, record.workspace_id, record.channel_id))

    async def with_verify_token(
        self, fingerprint: str, channel_id: str | None = None
    ) -> list[ChannelRecord]:
        """The channels indexed under a verify token (those called `channel_id` if given), in
        any workspace. An index entry may be stale: the caller compares the token itself."""
        if channel_id is not None and not _CHANNEL_ID.fullmatch(channel_id):
            return []  # it could not be a key token, let alone a channel
        kv = await self._bucket()
        pattern = f"verify.{fingerprint}." + (f"*.{channel_id}" if channel_id else ">")
        records = []
        for key, _ in await _listing(self._js, kv, pattern, keys_only=True):
            _, _, workspace_id, channel = key.split(".", 3)
            record = await self.get(workspace_id, channel)
            if record is not None:
                records.append(record)
        return records

    async def everything(self) -> list[ChannelRecord]:
        """Every workspace's channels: a full listing, only for the verify index's backfill."""
        listed = await _listing(self._js, await self._bucket(), "*.*")
        # `number.*` and `display.*` match too; their values are owners, not JSON records.
        records = []
        for key, value in listed:
            if not value.startswith(b"{"):
                continue
            try:
                records.append(ChannelRecord.model_validate_json(value))
            except ValidationError as err:  # one unreadable record must not stop the rest
                log.warning("unreadable channel record skipped", key=key, error=str(err)[:200])
        return records

    async def verify_index_complete(self) -> bool:
        kv = await self._bucket()
        try:
            await kv.get(VERIFY_INDEX_COMPLETE)
        except KeyNotFoundError:
            return False
        return True

    async def mark_verify_index_complete(self) -> None:
        await (await self._bucket()).put(VERIFY_INDEX_COMPLETE, b"1")


async def _listing(
    js: JetStreamContext, kv: KeyValue, pattern: str, *, keys_only: bool = False
) -> list[tuple[str, bytes]]:
    """The current (key, value) of every key matching `pattern`, filtered by the server.

    The keys come from the stream's own subject state, then each is read. A watch was used
    before, but nats-py ends a watch's initial listing at the first entry it sees with nothing
    pending, and under load (a full test run on two cores) that came before the last key: a
    number connected moments earlier was missing from the listing.
    """
    bucket = buckets.CHANNELS.bucket
    prefix = f"$KV.{bucket}."
    info = await js.stream_info(f"KV_{bucket}", subjects_filter=prefix + pattern)
    found = []
    for subject in sorted(info.state.subjects or {}):
        key = subject.removeprefix(prefix)
        try:
            entry = await kv.get(key)
        except NotFoundError:  # deleted: its subject keeps the delete marker
            continue
        found.append((key, b"" if keys_only else entry.value or b""))
    return found
