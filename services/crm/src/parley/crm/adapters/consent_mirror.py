"""The KV bucket where messaging reads each workspace's STOP words at its door.

Key: the workspace id; value: `stop_words.ConsentKeywords` as JSON. History 1 because only the
current choice matters; no TTL, since a workspace that never changes it again keeps it.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig

from parley.contracts.crm.stop_words import CONSENT_KEYWORDS_BUCKET, ConsentKeywords
from parley.runtime.kv import LazyBucket

CONSENT_KEYWORDS = KeyValueConfig(bucket=CONSENT_KEYWORDS_BUCKET, history=1)


class ConsentMirror:
    def __init__(self, nc: NatsClient) -> None:
        self._bucket = LazyBucket(nc, CONSENT_KEYWORDS)

    async def write(self, workspace_id: str, keywords: ConsentKeywords) -> None:
        kv = await self._bucket()
        await kv.put(workspace_id, keywords.model_dump_json().encode())
