"""An organization's standing figures the gateway owns (its seats and workspaces), and which
organization a workspace belongs to: for the billing page and billing's queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from parley.gateway.adapters.identity_store import IdentityStore
from parley.gateway.application.common import Clock
from parley.gateway.application.errors import IdentityError


@dataclass(frozen=True)
class OrganizationFigures:
    organization_id: str
    seats: int  # members plus open invitations, across its workspaces
    workspaces: int


class Organizations:
    def __init__(self, engine: AsyncEngine, schema: str, clock: Clock) -> None:
        self._store = IdentityStore(engine, schema)
        self._clock = clock

    async def organization_of(self, workspace_id: str) -> str:
        async with self._store.read() as tx:
            found = await tx.organizations.organization_of(workspace_id)
        if found is None:
            raise IdentityError("NOT_FOUND", f"no workspace {workspace_id!r}")
        return found

    async def figures(self, workspace_id: str) -> OrganizationFigures:
        async with self._store.read() as tx:
            organization_id = await tx.organizations.organization_of(workspace_id)
            if organization_id is None:
                raise IdentityError("NOT_FOUND", f"no workspace {workspace_id!r}")
            seats = await tx.organizations.seats(organization_id, self._clock())
            workspaces = len(await tx.organizations.workspace_ids(organization_id))
        return OrganizationFigures(organization_id, seats=seats, workspaces=workspaces)
