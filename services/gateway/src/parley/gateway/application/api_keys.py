"""Workspace API keys: created with a subset of the creator's own permissions, shown once,
listed without their secret, revoked. (`Identity.authenticate_api_key` checks them.)

Creating one needs the plan's `api_access` feature (402 PLAN_FEATURE_MISSING without it); keys
made before a downgrade keep working, so an integration does not stop mid-month."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.billing.entitlements import API_ACCESS
from parley.gateway.adapters.identity_store import IdentityStore
from parley.gateway.application.common import Clock, make_page, page_start, require, valid_name
from parley.gateway.application.errors import IdentityError
from parley.gateway.application.plan_refusals import limit_problem
from parley.gateway.application.results import CreatedApiKey
from parley.gateway.domain.models import ApiKey
from parley.gateway.domain.pages import Page
from parley.gateway.domain.roles import ALL_PERMISSIONS, permissions_of
from parley.gateway.domain.tokens import new_api_key
from parley.runtime.quotas import Quotas


class ApiKeys:
    def __init__(
        self, engine: AsyncEngine, schema: str, clock: Clock, *, quotas: Quotas | None = None
    ) -> None:
        self._store = IdentityStore(engine, schema)
        self._clock = clock
        self._quotas = quotas  # None: no plan limits

    async def create(
        self, actor_id: str, workspace_id: str, name: str, permissions: Iterable[str]
    ) -> CreatedApiKey:
        """Needs `api_keys:write`; every permission must be one the actor holds."""
        name = valid_name(name)
        wanted = sorted(set(permissions))
        if not wanted:
            raise IdentityError(
                "INVALID_REQUEST", "permissions must name at least one", field="permissions"
            )
        unknown = [p for p in wanted if p not in ALL_PERMISSIONS]
        if unknown:
            raise IdentityError(
                "INVALID_REQUEST",
                f"unknown permission {unknown[0]!r}",
                field="permissions",
                reason=unknown[0],
            )
        new = new_api_key()
        now = self._clock()
        async with self._store.begin() as tx:
            role = await require(tx.memberships, actor_id, workspace_id, "api_keys:write")
            beyond = [p for p in wanted if p not in permissions_of(role)]
            if beyond:
                raise IdentityError(
                    "ROLE_NOT_GRANTABLE",
                    f"a workspace {role} does not hold {beyond[0]}, so cannot give it to a key",
                    field="permissions",
                    reason=beyond[0],
                )
            if self._quotas is not None:
                refused = await self._quotas.feature_refusal(workspace_id, API_ACCESS)
                if refused is not None:
                    raise limit_problem(refused)
            api_key = await tx.api_keys.insert(
                key_id=new.key_id,
                workspace_id=workspace_id,
                name=name,
                permissions=wanted,
                key_hash=new.key_hash,
                created_by=actor_id,
                at=now,
            )
        return CreatedApiKey(api_key=api_key, key=new.key)

    async def list(
        self,
        actor_id: str,
        workspace_id: str,
        cursor: str | None = None,
        limit: int = 50,
        include_revoked: bool = False,
    ) -> Page[ApiKey]:
        """Oldest first, never the secret (needs `api_keys:read`)."""
        start = page_start(cursor, limit)
        async with self._store.read() as tx:
            await require(tx.memberships, actor_id, workspace_id, "api_keys:read")
            rows = await tx.api_keys.page(workspace_id, start, limit + 1, include_revoked)
        return make_page(rows, limit, lambda k: (k.created_at, k.id))

    async def revoke(self, actor_id: str, workspace_id: str, key_id: str) -> ApiKey:
        """Needs `api_keys:write`; the key is refused from then on. Revoking twice is harmless."""
        async with self._store.begin() as tx:
            await require(tx.memberships, actor_id, workspace_id, "api_keys:write")
            revoked = await tx.api_keys.revoke(workspace_id, key_id, self._clock())
        if revoked is None:
            raise IdentityError("NOT_FOUND", f"no API key {key_id!r}")
        return revoked
