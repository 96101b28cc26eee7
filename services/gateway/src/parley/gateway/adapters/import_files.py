"""Import files in the JetStream object store (`IMPORTS_BUCKET`), written as they stream in.

nats-py's `ObjectStore.put` reads its source with a blocking `readinto` in a worker thread, a
chunk (128 KiB) at a time. `_StreamReader` is that source over the HTTP body: each `readinto`
waits, from its thread, for the event loop to receive the next part of the body. So the file
goes from the socket to the stream a chunk at a time and is never whole in memory. A body
over the limit stops the put, which removes the chunks it had written.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator

from nats.aio.client import Client as NatsClient
from nats.js.api import ObjectStoreConfig
from nats.js.errors import BucketNotFoundError, NotFoundError
from nats.js.object_store import ObjectStore

from parley.contracts.crm.imports import IMPORTS_BUCKET

# As crm creates the bucket (its adapters/import_file.py): uploads are kept a week.
FILE_TTL_SECONDS = 7 * 24 * 3600.0
BUCKET_DESCRIPTION = "Uploaded contact CSV files"


class UploadTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the file is over {limit} bytes")
        self.limit = limit


class _StreamReader:
    """A blocking reader over an async stream of byte strings, read from a worker thread."""

    def __init__(
        self, parts: AsyncIterable[bytes], loop: asyncio.AbstractEventLoop, max_bytes: int
    ) -> None:
        self._parts: AsyncIterator[bytes] = parts.__aiter__()
        self._loop = loop
        self._max_bytes = max_bytes
        self._pending = memoryview(b"")
        self._ended = False
        self.size = 0

    def readinto(self, buffer: bytearray | memoryview) -> int:
        view = memoryview(buffer)
        filled = 0
        while filled < len(view):
            if not self._pending:
                if self._ended:
                    break
                part = asyncio.run_coroutine_threadsafe(self._next(), self._loop).result()
                if part is None:
                    self._ended = True
                    break
                self._pending = memoryview(part)
                continue
            taken = min(len(view) - filled, len(self._pending))
            view[filled : filled + taken] = self._pending[:taken]
            self._pending = self._pending[taken:]
            filled += taken
        self.size += filled
        if self.size > self._max_bytes:
            raise UploadTooLarge(self._max_bytes)
        return filled

    async def _next(self) -> bytes | None:
        try:
            return await anext(self._parts)
        except StopAsyncIteration:
            return None


class ImportFiles:
    """Uploads into one bucket: the contact imports' by default; the knowledge bases' documents
    (`DOCUMENTS_BUCKET`, kept until removed: ai-rag reads them again to re-index) otherwise."""

    def __init__(
        self,
        nc: NatsClient,
        *,
        bucket: str = IMPORTS_BUCKET,
        description: str = BUCKET_DESCRIPTION,
        ttl_seconds: float | None = FILE_TTL_SECONDS,
    ) -> None:
        self._nc = nc
        self._name = bucket
        self._description = description
        self._ttl = ttl_seconds
        self._bucket: ObjectStore | None = None

    async def store(self, name: str, parts: AsyncIterable[bytes], *, max_bytes: int) -> int:
        """Write the file under `name`; its size in bytes. Raises UploadTooLarge past the
        limit (nothing is kept)."""
        bucket = await self._store()
        reader = _StreamReader(parts, asyncio.get_running_loop(), max_bytes)
        info = await bucket.put(name, reader)  # type: ignore[arg-type]  # duck-typed reader
        return int(info.size or 0)

    async def delete(self, name: str) -> None:
        """Forget a file nobody will read (its import or document was refused)."""
        with contextlib.suppress(NotFoundError):
            await (await self._store()).delete(name)

    async def _store(self) -> ObjectStore:
        # Created by whoever comes first, the owning service or the gateway, with the same
        # configuration.
        if self._bucket is None:
            js = self._nc.jetstream()
            try:
                self._bucket = await js.object_store(self._name)
            except BucketNotFoundError:
                config = ObjectStoreConfig(
                    bucket=self._name, description=self._description, ttl=self._ttl
                )
                self._bucket = await js.create_object_store(self._name, config=config)
        return self._bucket
