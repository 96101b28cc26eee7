"""Who is calling, and what they may do in the workspace a route names.

A request carries `Authorization: Bearer <token>`: an access token (a JWT of a signed-in user)
or an API key (`pk_...`, bound to one workspace with its own permissions). Every workspace route
has the workspace in its path and declares the one permission it needs with `require(...)`;
that is also how the isolation and role tests find what each route demands. A caller who is not
a member of the workspace gets 404 (its existence is not confirmed); a member lacking the
permission gets 403 naming it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from fastapi import Depends, Path, Request
from fastapi.routing import APIRoute

from parley.gateway.api.problems import Problem

WORKSPACE_ID = r"^[A-Za-z0-9_\-]{1,64}$"


@dataclass(frozen=True)
class Caller:
    kind: Literal["user", "api_key"]
    subject: str  # the user id, or the API key id
    session_id: str | None = None
    key_workspace_id: str | None = None
    key_permissions: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class WorkspaceScope:
    workspace_id: str
    caller: Caller
    role: str | None  # None for an API key
    permissions: frozenset[str]

    @property
    def actor(self) -> str:
        """Who did it, as recorded in events (`user:<id>` or `api_key:<id>`)."""
        return f"{self.caller.kind}:{self.caller.subject}"


class Authenticator(Protocol):
    async def caller(self, token: str) -> Caller:
        """The caller behind a bearer token; raises Problem(401) when it is not valid."""
        ...

    async def access(
        self, caller: Caller, workspace_id: str
    ) -> tuple[str | None, frozenset[str]] | None:
        """The caller's role and permissions in the workspace; None when not a member."""
        ...

    async def idempotency_scope(self, authorization: str) -> str:
        """Whose Idempotency-Key a request's is, from its Authorization header."""
        ...


def _authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.context.authenticator
    return authenticator


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(
            401,
            "NOT_AUTHENTICATED",
            "send `Authorization: Bearer <access token or API key>`",
            headers={"WWW-Authenticate": 'Bearer realm="parley"'},
        )
    return token.strip()


async def current_caller(request: Request) -> Caller:
    caller = await _authenticator(request).caller(bearer_token(request))
    request.state.caller = caller
    return caller


class PermissionDependency:
    """`Depends(require("flows:write"))`: the caller's scope in the path's workspace."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    async def __call__(
        self,
        request: Request,
        workspace_id: str = Path(pattern=WORKSPACE_ID, description="the workspace's id"),
        caller: Caller = Depends(current_caller),  # noqa: B008 - FastAPI's idiom
    ) -> WorkspaceScope:
        found = await _authenticator(request).access(caller, workspace_id)
        if found is None:
            raise Problem(404, "NOT_FOUND", f"workspace {workspace_id!r} not found")
        role, permissions = found
        if self.permission not in permissions:
            who = f"your role {role!r}" if role else "this API key"
            raise Problem(
                403,
                "FORBIDDEN",
                f"{who} does not grant {self.permission!r}, which this action needs",
            )
        return WorkspaceScope(workspace_id, caller, role, permissions)


def require(permission: str) -> Callable[..., Awaitable[WorkspaceScope]]:
    return PermissionDependency(permission)


def route_permission(route: APIRoute) -> str | None:
    """The permission a route requires, found in its dependency tree (None: no workspace)."""
    pending: list[Any] = [route.dependant]
    while pending:
        dependant = pending.pop()
        if isinstance(dependant.call, PermissionDependency):
            return dependant.call.permission
        pending.extend(dependant.dependencies)
    return None
