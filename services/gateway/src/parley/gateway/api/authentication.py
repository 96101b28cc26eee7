"""Bearer tokens to callers, and callers to their rights in a workspace, over the identity layer.

An API key (`pk_...`) acts in its own workspace only, and is rate limited on its own; any other
bearer token is a user's access token. Identity errors become 401 problems that say why.
"""

from __future__ import annotations

import hashlib
import time

from parley.gateway.api.access import Caller
from parley.gateway.api.middleware import too_many
from parley.gateway.api.problems import Problem
from parley.gateway.application.errors import IdentityError
from parley.gateway.application.identity import Identity
from parley.gateway.domain.rate_window import RateWindow
from parley.gateway.domain.roles import permissions_of

API_KEY_PREFIX = "pk_"


class IdentityAuthenticator:
    def __init__(self, identity: Identity, *, api_key_per_minute: int) -> None:
        self._identity = identity
        self._key_rate = RateWindow(api_key_per_minute, 60.0)

    async def caller(self, token: str) -> Caller:
        try:
            if token.startswith(API_KEY_PREFIX):
                key = await self._identity.authenticate_api_key(token)
                wait = self._key_rate.take(key.key_id, time.monotonic())
                if wait > 0:
                    raise too_many(wait, "this API key")
                return Caller(
                    "api_key",
                    key.key_id,
                    key_workspace_id=key.workspace_id,
                    key_permissions=key.permissions,
                )
            user = await self._identity.authenticate_access(token)
        except IdentityError as err:
            raise Problem(
                401,
                "TOKEN_REJECTED",
                err.message,
                headers={
                    "WWW-Authenticate": f'Bearer error="invalid_token", reason="{err.reason}"'
                },
            ) from None
        return Caller("user", user.user_id, session_id=user.session_id)

    async def access(
        self, caller: Caller, workspace_id: str
    ) -> tuple[str | None, frozenset[str]] | None:
        if caller.kind == "api_key":
            if caller.key_workspace_id != workspace_id:
                return None
            return None, caller.key_permissions
        role = await self._identity.role_in(caller.subject, workspace_id)
        if role is None:
            return None
        return role, permissions_of(role)

    async def idempotency_scope(self, authorization: str) -> str:
        """Whose Idempotency-Key this is: the caller, or (no valid token) the header's hash."""
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            try:
                caller = await self.caller(token.strip())
            except Problem:
                pass
            else:
                return f"{caller.kind}:{caller.subject}"
        return "anonymous:" + hashlib.sha256(authorization.encode()).hexdigest()
