"""All identity use cases built at once, for the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.gateway.application.api_keys import ApiKeys
from parley.gateway.application.common import Clock
from parley.gateway.application.identity import Identity, WorkspaceCreated
from parley.gateway.application.invitations import Invitations
from parley.gateway.application.members import Members
from parley.gateway.application.organizations import Organizations
from parley.runtime.quotas import Quotas


@dataclass(frozen=True)
class IdentityServices:
    identity: Identity
    members: Members
    invitations: Invitations
    api_keys: ApiKeys
    organizations: Organizations

    @classmethod
    def build(
        cls,
        engine: AsyncEngine,
        schema: str,
        secret_key: str,
        clock: Clock,
        *,
        access_ttl: timedelta = timedelta(minutes=15),
        refresh_ttl: timedelta = timedelta(days=30),
        invitation_ttl: timedelta = timedelta(days=7),
        password_hasher: PasswordHasher | None = None,
        quotas: Quotas | None = None,
        on_workspace_created: WorkspaceCreated | None = None,
    ) -> IdentityServices:
        """`quotas`: the plan limits the gateway enforces (seats, workspaces, API access);
        `on_workspace_created`: billing's registration. Both off when not given."""
        return cls(
            identity=Identity(
                engine,
                schema,
                secret_key,
                clock,
                access_ttl=access_ttl,
                refresh_ttl=refresh_ttl,
                password_hasher=password_hasher,
                quotas=quotas,
                on_workspace_created=on_workspace_created,
            ),
            members=Members(engine, schema, clock),
            invitations=Invitations(engine, schema, clock, ttl=invitation_ttl, quotas=quotas),
            api_keys=ApiKeys(engine, schema, clock, quotas=quotas),
            organizations=Organizations(engine, schema, clock),
        )
