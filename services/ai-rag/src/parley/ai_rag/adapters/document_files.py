"""Documents' content in the JetStream object store bucket DOCUMENTS_BUCKET.

The gateway streams uploads there; add-document stores inline text there too, under the same
`document_object_name(ws, doc, revision)`, so indexing and re-indexing always read one place.
Objects live until their document (or knowledge base) is removed: no TTL, since a re-index
after an embedder change reads every current revision again.
"""

from __future__ import annotations

from collections.abc import Iterable

from nats.aio.client import Client as NatsClient
from nats.js.api import ObjectInfo, ObjectStoreConfig
from nats.js.errors import BucketNotFoundError, NotFoundError, ObjectNotFoundError
from nats.js.object_store import ObjectStore

from parley.contracts.ai.knowledge import DOCUMENTS_BUCKET


class DocumentMissing(Exception):
    pass


class DocumentTooBig(Exception):
    pass


async def open_bucket(nc: NatsClient) -> ObjectStore:
    """The documents bucket, created if nobody has yet (the gateway or ai-rag, whoever is first)."""
    js = nc.jetstream()
    try:
        return await js.object_store(DOCUMENTS_BUCKET)
    except BucketNotFoundError:
        config = ObjectStoreConfig(
            bucket=DOCUMENTS_BUCKET, description="Knowledge-base documents (uploads and text)"
        )
        return await js.create_object_store(DOCUMENTS_BUCKET, config=config)


class DocumentFiles:
    def __init__(self, nc: NatsClient, *, max_bytes: int) -> None:
        self._nc = nc
        self.max_bytes = max_bytes

    async def info(self, name: str) -> ObjectInfo:
        store = await open_bucket(self._nc)
        try:
            return await store.get_info(name)
        except (ObjectNotFoundError, NotFoundError):
            raise DocumentMissing(f"no object named {name!r} in {DOCUMENTS_BUCKET}") from None

    async def put(self, name: str, content: bytes) -> None:
        store = await open_bucket(self._nc)
        await store.put(name, content)

    async def read(self, name: str) -> bytes:
        info = await self.info(name)
        if (info.size or 0) > self.max_bytes:
            raise DocumentTooBig(f"is {info.size} bytes; at most {self.max_bytes} are indexed")
        store = await open_bucket(self._nc)
        try:
            result = await store.get(name)
        except (ObjectNotFoundError, NotFoundError):
            raise DocumentMissing(f"no object named {name!r} in {DOCUMENTS_BUCKET}") from None
        return result.data or b""

    async def remove(self, names: Iterable[str]) -> None:
        """Delete objects; one already gone is fine (a redelivered removal)."""
        store = await open_bucket(self._nc)
        for name in names:
            try:
                await store.delete(name)
            except (ObjectNotFoundError, NotFoundError):
                continue
