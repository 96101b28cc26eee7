"""What the identity layer hands out: frozen records, safe to serialize (no hash, no secret,
except in the two `Created…` results that show a new secret once)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from parley.gateway.domain.roles import Role


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class User(Record):
    id: str
    email: str
    name: str
    created_at: datetime


class Organization(Record):
    id: str
    name: str
    created_at: datetime


class Workspace(Record):
    id: str
    organization_id: str
    name: str
    created_at: datetime


class WorkspaceMembership(Record):
    """One of a user's workspaces, with the organization it belongs to and the user's role."""

    workspace_id: str
    workspace_name: str
    organization_id: str
    organization_name: str
    role: Role


class Member(Record):
    """A member of a workspace, as its member list shows them."""

    user_id: str
    email: str
    name: str
    role: Role
    joined_at: datetime


InvitationStatus = Literal["pending", "accepted", "revoked", "expired"]


class Invitation(Record):
    id: str
    workspace_id: str
    email: str
    role: Role
    invited_by: str
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_by: str | None
    revoked_at: datetime | None
    status: InvitationStatus


class ApiKey(Record):
    id: str
    workspace_id: str
    name: str
    permissions: tuple[str, ...]
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class Principal(Record):
    """Who is calling with an access token."""

    user_id: str
    session_id: str


class ApiKeyPrincipal(Record):
    """What is calling with an API key: one workspace, these permissions only."""

    key_id: str
    workspace_id: str
    permissions: frozenset[str]
