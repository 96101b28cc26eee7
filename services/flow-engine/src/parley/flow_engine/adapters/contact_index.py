"""Which execution holds a contact's conversation: the one waiting for their reply, or one
handed over to a person. Routing reads it for every inbound message.

It lives in a JetStream KV bucket, not in the executions read model, because it must not lag:
the input handler updates it right after appending the events that start or end such a wait,
before it acknowledges the input, so by the time the contact can answer a question the index
already says who asked. Every replica reads and writes the same bucket.

One key per contact; its value maps each holding execution to what it waits for and since when.
When several executions wait on one contact, the most recent wait takes the reply (it asked the
latest question). A handover holds the contact above any reply wait: a person is talking.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig
from nats.js.errors import KeyNotFoundError

from parley.runtime.kv import LazyBucket, cas_update

BUCKET = "flow_engine_contact_holds"
HoldKind = Literal["reply", "handover"]
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_\-]{1,128}$")


@dataclass(frozen=True)
class Hold:
    execution_id: str
    kind: HoldKind
    since: datetime


def contact_key(workspace_id: str, contact_id: str) -> str:
    # KV keys allow few characters; an id outside them is hashed rather than refused.
    if _SAFE_KEY.match(contact_id):
        return f"{workspace_id}.{contact_id}"
    return f"{workspace_id}.h{hashlib.sha256(contact_id.encode()).hexdigest()[:40]}"


class ContactIndex:
    def __init__(self, nc: NatsClient, *, replicas: int = 1) -> None:
        self._kv = LazyBucket(
            nc,
            KeyValueConfig(
                bucket=BUCKET,
                history=1,
                replicas=replicas,
                description="flow-engine: the execution holding each contact's chat",
            ),
        )

    async def holder(self, workspace_id: str, contact_id: str) -> Hold | None:
        kv = await self._kv()
        try:
            entry = await kv.get(contact_key(workspace_id, contact_id))
        except KeyNotFoundError:
            return None
        holds = _decode(entry.value)
        if not holds:
            return None
        return max(holds, key=lambda h: (h.kind == "handover", h.since))

    async def set(
        self,
        workspace_id: str,
        contact_id: str,
        execution_id: str,
        hold: tuple[HoldKind, datetime] | None,
    ) -> None:
        """Record what `execution_id` holds now (None: nothing); a no-op if already so."""
        key = contact_key(workspace_id, contact_id)

        def change(current: bytes | None) -> bytes | None:
            holds = {h.execution_id: h for h in _decode(current)}
            if hold is None:
                holds.pop(execution_id, None)
            else:
                holds[execution_id] = Hold(execution_id, hold[0], hold[1])
            updated = _encode(holds.values())
            return None if updated == _encode(_decode(current)) else updated  # None: no write

        await cas_update(await self._kv(), key, change)


def _decode(raw: bytes | None) -> list[Hold]:
    if not raw:
        return []
    return [
        Hold(execution_id, value["kind"], datetime.fromisoformat(value["since"]))
        for execution_id, value in json.loads(raw).items()
    ]


def _encode(holds: Iterable[Hold]) -> bytes:
    items = sorted(holds, key=lambda h: h.execution_id)
    return json.dumps(
        {h.execution_id: {"kind": h.kind, "since": h.since.isoformat()} for h in items},
        separators=(",", ":"),
    ).encode()
