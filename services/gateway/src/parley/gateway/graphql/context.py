"""Who is calling, and what every field demands of them.

Each resolver is decorated with `needs("<permission>")`, the permission its REST route requires
(`require(...)` in `api/routes/*`); the decorator records it in `FIELD_PERMISSIONS` under the
field's GraphQL name (`Query.flows`, `Mutation.publishFlow`, ...), so a test can check that
every field declares one. The check itself is REST's: a caller who is not a member of the
workspace gets NOT_FOUND (its existence is not confirmed), a member lacking the permission
FORBIDDEN naming it.

Over HTTP the caller comes from `Authorization: Bearer ...`, authenticated on first use; over
WebSocket from the `connection_init` payload, authenticated once when the connection opens.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeAlias, TypeVar, cast

import strawberry
from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext
from strawberry.utils.str_converters import to_camel_case

from parley.gateway.api.access import WORKSPACE_ID, Caller
from parley.gateway.api.context import GatewayContext
from parley.gateway.api.problems import Problem, invalid
from parley.gateway.graphql.errors import translated

# The pseudo-permission of the fields outside any workspace (`me`): any authenticated caller.
SIGNED_IN = "signed-in"
FIELD_PERMISSIONS: dict[str, str] = {}
R = TypeVar("R", bound=Callable[..., Awaitable[Any]])
T = TypeVar("T")
Access = tuple[str | None, frozenset[str]] | None


def bearer(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "NOT_AUTHENTICATED", "send `Authorization: Bearer <token or API key>`")
    return token.strip()


class GraphQLContext(BaseContext):
    def __init__(self, gateway: GatewayContext, connection: HTTPConnection) -> None:
        super().__init__()
        self.gateway = gateway
        self.connection = connection
        self.authenticated: Caller | None = None
        # Sibling fields resolve concurrently: one authentication (and one lookup of each
        # membership) serves them all, so an API key's rate limit counts one request once.
        self._lock = asyncio.Lock()
        # Memberships are remembered for one HTTP request; a WebSocket connection lives on,
        # and a role taken away must stop its next subscription.
        self._access: dict[str, Access] | None = {} if connection.scope["type"] == "http" else None

    async def caller(self) -> Caller:
        async with self._lock:
            if self.authenticated is None:
                token = bearer(self.connection.headers.get("authorization", ""))
                self.authenticated = await self.gateway.authenticator.caller(token)
            return self.authenticated

    async def authorize(self, workspace_id: str, permission: str) -> Caller:
        """The caller, if they hold `permission` in the workspace (REST's 404 and 403 if not)."""
        if not re.fullmatch(WORKSPACE_ID, workspace_id):
            raise invalid("workspaceId", f"must match {WORKSPACE_ID}")
        caller = await self.caller()
        found = await self._membership(caller, workspace_id)
        if found is None:
            raise Problem(404, "NOT_FOUND", f"workspace {workspace_id!r} not found")
        role, permissions = found
        if permission not in permissions:
            who = f"your role {role!r}" if role else "this API key"
            raise Problem(
                403, "FORBIDDEN", f"{who} does not grant {permission!r}, which this action needs"
            )
        return caller

    async def _membership(self, caller: Caller, workspace_id: str) -> Access:
        if self._access is None:
            return await self.gateway.authenticator.access(caller, workspace_id)
        async with self._lock:
            if workspace_id not in self._access:
                found = await self.gateway.authenticator.access(caller, workspace_id)
                self._access[workspace_id] = found
            return self._access[workspace_id]


Info: TypeAlias = strawberry.Info[GraphQLContext, None]


def actor(caller: Caller) -> str:
    """Who did it, as recorded in events (as `WorkspaceScope.actor`)."""
    return f"{caller.kind}:{caller.subject}"


class Decorator(Protocol):
    def __call__(self, resolver: Callable[..., Awaitable[T]], /) -> T: ...


# strawberry's decorator forms are untyped (they return Any): these say what they make.
def field(description: str) -> Decorator:
    return cast(Decorator, strawberry.field(description=description))


def mutation(description: str) -> Decorator:
    return cast(Decorator, strawberry.mutation(description=description))


def subscription(description: str) -> Decorator:
    return cast(Decorator, strawberry.subscription(description=description))


def needs(permission: str) -> Callable[[R], R]:
    """Check `permission` in the field's `workspace_id` before the resolver runs, and raise
    whatever the resolver raises as a GraphQL error (see `errors.translated`)."""

    def decorate(resolver: R) -> R:
        owner, _, name = resolver.__qualname__.rpartition(".")
        parameters = inspect.signature(resolver).parameters
        if "info" not in parameters or (
            permission != SIGNED_IN and "workspace_id" not in parameters
        ):
            raise TypeError(f"{resolver.__qualname__}: needs `info` and `workspace_id`")
        FIELD_PERMISSIONS[f"{owner}.{to_camel_case(name)}"] = permission

        @functools.wraps(resolver)
        async def guarded(*args: Any, **kwargs: Any) -> Any:
            context: GraphQLContext = kwargs["info"].context
            with translated():
                if permission == SIGNED_IN:
                    await context.caller()
                else:
                    await context.authorize(str(kwargs["workspace_id"]), permission)
                return await resolver(*args, **kwargs)

        return cast(R, guarded)

    return decorate
