"""Organizations and workspaces (`/api/v1/organizations`, `/api/v1/workspaces`), members and
invitations of a workspace, and accepting an invitation.

Managing people is a person's act: these routes refuse API keys, even one holding the
permission (the identity layer records who did it as a user)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import IdentityApi
from parley.gateway.api.problems import Problem
from parley.gateway.api.routes.auth import SignedIn, user_of
from parley.gateway.application.results import CreatedInvitation
from parley.gateway.domain.models import (
    Invitation,
    Member,
    Organization,
    Workspace,
    WorkspaceMembership,
)
from parley.gateway.domain.pages import Page
from parley.gateway.domain.roles import Role

router = APIRouter(tags=["workspaces"])

Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = Annotated[str | None, Query(max_length=512)]
Readers = Annotated[WorkspaceScope, Depends(require("workspace:read"))]
MemberReaders = Annotated[WorkspaceScope, Depends(require("members:read"))]
MemberWriters = Annotated[WorkspaceScope, Depends(require("members:write"))]
UserId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,64}$")]


class NewWorkspace(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role


class NewInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    role: Role = "editor"


class Acceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(max_length=256)


@router.get("/organizations", summary="Organizations the user works in")
async def list_organizations(
    identity: IdentityApi, caller: SignedIn, limit: Limit = 50, cursor: Cursor = None
) -> Page[Organization]:
    return await identity.identity.organizations(user_of(caller), cursor, limit)


@router.post(
    "/organizations/{organization_id}/workspaces",
    status_code=201,
    summary="Create a workspace in an organization (its admins and owners may)",
)
async def create_workspace(
    identity: IdentityApi,
    caller: SignedIn,
    organization_id: UserId,
    body: NewWorkspace,
) -> Workspace:
    return await identity.identity.create_workspace(user_of(caller), organization_id, body.name)


@router.get("/workspaces", summary="The user's workspaces, with their role in each")
async def list_workspaces(identity: IdentityApi, caller: SignedIn) -> list[WorkspaceMembership]:
    return list((await identity.identity.me(user_of(caller))).memberships)


@router.get("/workspaces/{workspace_id}", summary="One workspace and the caller's role in it")
async def get_workspace(identity: IdentityApi, scope: Readers) -> WorkspaceMembership:
    for membership in (await identity.identity.me(user_of(scope.caller))).memberships:
        if membership.workspace_id == scope.workspace_id:
            return membership
    raise Problem(404, "NOT_FOUND", f"workspace {scope.workspace_id!r} not found")


@router.get("/workspaces/{workspace_id}/members", summary="Members, in the order they joined")
async def list_members(
    identity: IdentityApi, scope: MemberReaders, limit: Limit = 50, cursor: Cursor = None
) -> Page[Member]:
    return await identity.members.list(user_of(scope.caller), scope.workspace_id, cursor, limit)


@router.patch("/workspaces/{workspace_id}/members/{user_id}", summary="Change a member's role")
async def change_role(
    identity: IdentityApi, scope: MemberWriters, user_id: UserId, body: RoleChange
) -> Member:
    return await identity.members.change_role(
        user_of(scope.caller), scope.workspace_id, user_id, body.role
    )


@router.delete(
    "/workspaces/{workspace_id}/members/{user_id}", status_code=204, summary="Remove a member"
)
async def remove_member(identity: IdentityApi, scope: MemberWriters, user_id: UserId) -> None:
    await identity.members.remove(user_of(scope.caller), scope.workspace_id, user_id)


@router.post(
    "/workspaces/{workspace_id}/leave",
    status_code=204,
    summary="Leave the workspace (its last owner cannot)",
)
async def leave_workspace(identity: IdentityApi, scope: Readers) -> None:
    user = user_of(scope.caller)
    await identity.members.remove(user, scope.workspace_id, user)


@router.get("/workspaces/{workspace_id}/invitations", summary="Invitations with their status")
async def list_invitations(
    identity: IdentityApi, scope: MemberReaders, limit: Limit = 50, cursor: Cursor = None
) -> Page[Invitation]:
    return await identity.invitations.list(user_of(scope.caller), scope.workspace_id, cursor, limit)


@router.post(
    "/workspaces/{workspace_id}/invitations",
    status_code=201,
    summary="Invite someone by e-mail; the token in the answer goes into their link, once",
)
async def invite(
    identity: IdentityApi, scope: MemberWriters, body: NewInvitation
) -> CreatedInvitation:
    return await identity.invitations.create(
        user_of(scope.caller), scope.workspace_id, body.email, body.role
    )


@router.post(
    "/workspaces/{workspace_id}/invitations/{invitation_id}/revoke",
    summary="Revoke a pending invitation",
)
async def revoke_invitation(
    identity: IdentityApi, scope: MemberWriters, invitation_id: UserId
) -> Invitation:
    return await identity.invitations.revoke(
        user_of(scope.caller), scope.workspace_id, invitation_id
    )


@router.post("/invitations/accept", summary="Join the workspace an invitation is for")
async def accept_invitation(
    identity: IdentityApi, caller: SignedIn, body: Acceptance
) -> WorkspaceMembership:
    return await identity.invitations.accept(user_of(caller), body.token)
