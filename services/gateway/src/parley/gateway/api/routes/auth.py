"""`/api/v1/auth`: sign up, log in, refresh, log out; `/api/v1/me`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from parley.gateway.api.access import Caller, current_caller
from parley.gateway.api.deps import AccountsApi
from parley.gateway.api.problems import Problem
from parley.gateway.application.results import Me, SignupResult, TokenPair

router = APIRouter(tags=["identity"])


SignedIn = Annotated[Caller, Depends(current_caller)]


class Signup(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: str = Field(max_length=128)
    name: str = Field(max_length=200)
    organization_name: str | None = Field(default=None, max_length=200)
    workspace_name: str | None = Field(default=None, max_length=200)


class Login(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    password: str = Field(max_length=128)


class Refresh(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str = Field(max_length=256)


def _user_agent(request: Request) -> str | None:
    """Shown in the user's session list; not an input of the API, so not in its spec."""
    agent = request.headers.get("user-agent")
    return agent[:512] if agent else None


def user_of(caller: Caller) -> str:
    """The signed-in user; API keys act for a workspace, not as a person."""
    if caller.kind != "user":
        raise Problem(403, "FORBIDDEN", "this action needs a signed-in user, not an API key")
    return caller.subject


@router.post(
    "/auth/signup", status_code=201, summary="Create an account, organization and workspace"
)
async def signup(identity: AccountsApi, body: Signup, request: Request) -> SignupResult:
    return await identity.signup(
        body.email,
        body.password,
        body.name,
        organization_name=body.organization_name,
        workspace_name=body.workspace_name,
        user_agent=_user_agent(request),
    )


@router.post("/auth/login", summary="Log in: a new session's tokens")
async def login(identity: AccountsApi, body: Login, request: Request) -> TokenPair:
    return await identity.login(body.email, body.password, _user_agent(request))


@router.post("/auth/refresh", summary="Exchange a refresh token (once) for the next pair")
async def refresh(identity: AccountsApi, body: Refresh) -> TokenPair:
    return await identity.refresh(body.refresh_token)


@router.post("/auth/logout", status_code=204, summary="End this session and all its tokens")
async def logout(identity: AccountsApi, caller: SignedIn) -> None:
    user_of(caller)
    if caller.session_id is not None:
        await identity.logout(caller.session_id)


@router.get("/me", summary="The signed-in user and their workspaces")
async def me(identity: AccountsApi, caller: SignedIn) -> Me:
    return await identity.me(user_of(caller))
