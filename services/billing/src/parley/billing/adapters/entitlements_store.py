"""Writes each workspace's entitlements to KV `billing_entitlements`, where the enforcing
services read them at the moment of an action (parley.runtime.quotas)."""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig

from parley.billing.domain.catalog import Catalog
from parley.contracts.billing.accounts import AccountView
from parley.contracts.billing.entitlements import ENTITLEMENTS_BUCKET, Entitlements
from parley.runtime.kv import LazyBucket

BUCKET = KeyValueConfig(bucket=ENTITLEMENTS_BUCKET, history=1, description="plan per workspace")


def entitlements_of(account: AccountView, catalog: Catalog) -> Entitlements:
    plan = catalog.plan(account.plan) or catalog.default
    return catalog.entitlements(
        plan,
        organization_id=account.organization_id,
        anchor=account.anchor,
        status=account.status,
        grace_until=account.grace_until,
        changed_at=account.changed_at,
    )


class EntitlementsStore:
    def __init__(self, nc: NatsClient, catalog: Catalog) -> None:
        self._bucket = LazyBucket(nc, BUCKET)
        self._catalog = catalog

    async def write(self, account: AccountView) -> Entitlements:
        entitlements = entitlements_of(account, self._catalog)
        kv = await self._bucket()
        body = entitlements.model_dump_json().encode()
        for workspace_id in account.workspaces:
            await kv.put(workspace_id, body)
        return entitlements
