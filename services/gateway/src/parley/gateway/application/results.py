"""What the use cases return, besides the records of `domain.models`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from parley.gateway.domain.models import (
    ApiKey,
    Invitation,
    Organization,
    Record,
    User,
    Workspace,
    WorkspaceMembership,
)


class TokenPair(Record):
    """A session's credentials: the access token for `Authorization: Bearer`, and the refresh
    token that gets the next pair (once: each refresh replaces it)."""

    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    access_expires_at: datetime
    refresh_expires_at: datetime
    session_id: str
    user_id: str


class SignupResult(Record):
    user: User
    organization: Organization
    workspace: Workspace
    tokens: TokenPair


class Me(Record):
    user: User
    memberships: tuple[WorkspaceMembership, ...]


class CreatedInvitation(Record):
    invitation: Invitation
    token: str  # `inv_…`, shown once: it goes into the invitation link


class CreatedApiKey(Record):
    api_key: ApiKey
    key: str  # `pk_…`, shown once: only its hash is kept
