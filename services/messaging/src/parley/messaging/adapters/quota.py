"""The plan's message quota, read from billing's entitlements (parley.contracts.billing).

Until billing has written entitlements for a workspace (or before billing runs at all) sends are
unlimited. Entitlements are cached a few seconds per workspace; usage is read at the moment of
the send, so a month's quota is overshot by at most the sends in flight.
"""

from __future__ import annotations

import time

from nats.aio.client import Client as NatsClient
from nats.js.errors import BucketNotFoundError, KeyNotFoundError

from parley.contracts.billing.entitlements import ENTITLEMENTS_BUCKET, Entitlements
from parley.messaging.domain.send_checks import Refusal
from parley.runtime.quotas import Quotas

METRIC = "messages_sent"
CACHE_SECONDS = 5.0


class Quota:
    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc
        self._cache: dict[str, tuple[float, Entitlements | None]] = {}

    async def refusal(self, workspace_id: str) -> Refusal | None:
        entitlements = await self._entitlements(workspace_id)
        if entitlements is None:
            return None
        limit = entitlements.limits.get(METRIC)
        if limit is None:
            return None
        used = await Quotas(self._nc).used(entitlements, workspace_id, METRIC)
        if used < limit:
            return None
        lift = (
            f" Upgrade to {entitlements.upgrade_to} to send more."
            if entitlements.upgrade_to
            else ""
        )
        return Refusal(
            "PLAN_LIMIT_REACHED",
            f"{METRIC}: {used} of {limit} used this period on the {entitlements.plan} plan",
            f"Wait for the next billing period.{lift}",
        )

    async def _entitlements(self, workspace_id: str) -> Entitlements | None:
        hit = self._cache.get(workspace_id)
        now = time.monotonic()
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        try:
            kv = await self._nc.jetstream().key_value(ENTITLEMENTS_BUCKET)
            entry = await kv.get(workspace_id)
            found: Entitlements | None = Entitlements.model_validate_json(entry.value or b"{}")
        except (BucketNotFoundError, KeyNotFoundError):
            found = None
        self._cache[workspace_id] = (now, found)
        return found
