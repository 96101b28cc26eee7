"""The workspace's STOP words, as crm mirrors them into KV, cached briefly.

Read on every inbound message, so the cache keeps that to one KV read per workspace every few
seconds; a change in crm takes effect within `ttl`. A workspace that never chose gets the
default languages.
"""

from __future__ import annotations

import time

from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig
from nats.js.errors import KeyNotFoundError

from parley.contracts.crm.stop_words import CONSENT_KEYWORDS_BUCKET, ConsentKeywords
from parley.runtime.kv import LazyBucket

# The same config crm creates the bucket with (history 1: only the current choice matters).
BUCKET = KeyValueConfig(bucket=CONSENT_KEYWORDS_BUCKET, history=1)


class StopWords:
    def __init__(self, nc: NatsClient, *, ttl: float = 5.0) -> None:
        self._bucket = LazyBucket(nc, BUCKET)
        self._ttl = ttl
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}

    async def of(self, workspace_id: str) -> frozenset[str]:
        now = time.monotonic()
        cached = self._cache.get(workspace_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        kv = await self._bucket()
        try:
            entry = await kv.get(workspace_id)
            keywords = ConsentKeywords.model_validate_json(entry.value or b"{}")
        except KeyNotFoundError:
            keywords = ConsentKeywords()
        words = keywords.words()
        self._cache[workspace_id] = (now, words)
        return words
