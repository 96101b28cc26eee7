"""`/api/v1/roles`: the workspace roles and the permissions each holds, lowest first.

The same for every caller, so the web app reads it instead of keeping its own copy that would
drift from `domain/roles.py`."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from parley.gateway.api.routes.auth import SignedIn
from parley.gateway.domain.roles import PERMISSIONS, ROLES, Role

router = APIRouter(tags=["workspaces"])


class RoleEntry(BaseModel):
    role: Role
    rank: int
    permissions: list[str]


@router.get("/roles", summary="The workspace roles and their permissions, lowest first")
async def list_roles(caller: SignedIn) -> list[RoleEntry]:
    return [
        RoleEntry(role=role, rank=rank, permissions=sorted(PERMISSIONS[role]))
        for rank, role in enumerate(ROLES)
    ]
