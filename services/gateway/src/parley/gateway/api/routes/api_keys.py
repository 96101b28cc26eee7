"""`/api/v1/workspaces/{workspace_id}/api-keys`: keys for integrations, bound to the workspace,
with at most the permissions of the person who creates them. The key is shown once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import IdentityApi
from parley.gateway.api.routes.auth import user_of
from parley.gateway.application.results import CreatedApiKey
from parley.gateway.domain.models import ApiKey
from parley.gateway.domain.pages import Page

router = APIRouter(prefix="/workspaces/{workspace_id}/api-keys", tags=["api keys"])

Readers = Annotated[WorkspaceScope, Depends(require("api_keys:read"))]
Writers = Annotated[WorkspaceScope, Depends(require("api_keys:write"))]
KeyId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,64}$")]


class NewApiKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    permissions: list[str] = Field(
        max_length=50, description="e.g. flows:read, executions:read; at most your own"
    )


@router.get("", summary="The workspace's API keys (never their secret)")
async def list_api_keys(
    identity: IdentityApi,
    scope: Readers,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    include_revoked: bool = False,
) -> Page[ApiKey]:
    return await identity.api_keys.list(
        user_of(scope.caller), scope.workspace_id, cursor, limit, include_revoked
    )


@router.post("", status_code=201, summary="Create an API key; its secret is in this answer only")
async def create_api_key(identity: IdentityApi, scope: Writers, body: NewApiKey) -> CreatedApiKey:
    return await identity.api_keys.create(
        user_of(scope.caller), scope.workspace_id, body.name, body.permissions
    )


@router.post("/{key_id}/revoke", summary="Revoke a key: it is refused from then on")
async def revoke_api_key(identity: IdentityApi, scope: Writers, key_id: KeyId) -> ApiKey:
    return await identity.api_keys.revoke(user_of(scope.caller), scope.workspace_id, key_id)
