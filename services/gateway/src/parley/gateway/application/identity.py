"""Accounts and sessions: sign up, log in, refresh, log out, authenticate, and what a user sees
of their organizations and workspaces.

A session is a row; an access token is a JWT naming it, checked against that row on every
request (one primary-key read), so logging out ends the session's tokens at once. A refresh token
is used once: refreshing marks it used and issues the next; presenting a used one again means
two parties hold it, so the whole session is revoked (theft detection).

Every workspace made here (sign-up's first one, "create workspace") is announced to billing once
it is committed (`on_workspace_created`), so its entitlements follow the organization's plan; a
new workspace beyond the plan's `workspaces` is a 402.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.billing.entitlements import WORKSPACES
from parley.gateway.adapters.identity_store import IdentityStore, Tx
from parley.gateway.application.common import (
    Clock,
    make_page,
    page_start,
    prefixed_id,
    valid_email,
    valid_name,
)
from parley.gateway.application.errors import IdentityError
from parley.gateway.application.plan_refusals import limit_problem
from parley.gateway.application.results import Me, SignupResult, TokenPair
from parley.gateway.domain.emails import normalize_email
from parley.gateway.domain.models import ApiKeyPrincipal, Organization, Principal, User, Workspace
from parley.gateway.domain.pages import Page
from parley.gateway.domain.passwords import Passwords, password_problem
from parley.gateway.domain.roles import Role, at_least, permissions_of
from parley.gateway.domain.tokens import (
    TokenRejected,
    api_key_id,
    decode_access,
    hash_secret,
    issue_access,
    new_refresh_token,
    same_hash,
)
from parley.runtime.quotas import Quotas

DEFAULT_WORKSPACE = "My workspace"
# An API key's last_used_at is written at most this often, however busy the key.
KEY_USE_RESOLUTION = timedelta(minutes=1)
# Told of each workspace once its transaction is committed; must not raise (see registration).
WorkspaceCreated = Callable[[Workspace], Awaitable[None]]


def _rejected(reason: str, message: str) -> IdentityError:
    return IdentityError("TOKEN_REJECTED", message, reason=reason)


class Identity:
    def __init__(
        self,
        engine: AsyncEngine,
        schema: str,
        secret_key: str,
        clock: Clock,
        *,
        access_ttl: timedelta = timedelta(minutes=15),
        refresh_ttl: timedelta = timedelta(days=30),
        password_hasher: PasswordHasher | None = None,
        quotas: Quotas | None = None,
        on_workspace_created: WorkspaceCreated | None = None,
    ) -> None:
        self._store = IdentityStore(engine, schema)
        self._quotas = quotas  # None: no plan limits
        self._on_workspace_created = on_workspace_created
        self._key = secret_key
        self._clock = clock
        self._access_ttl = access_ttl
        self._refresh_ttl = refresh_ttl
        self._passwords = Passwords(password_hasher)

    # -- accounts and sessions ------------------------------------------------------------------

    async def signup(
        self,
        email: str,
        password: str,
        name: str,
        organization_name: str | None = None,
        workspace_name: str | None = None,
        user_agent: str | None = None,
    ) -> SignupResult:
        """A user, their organization and first workspace, them its owner, and a session."""
        email = valid_email(email)
        name = valid_name(name)
        org_name = valid_name(organization_name or name, "organization_name")
        ws_name = valid_name(workspace_name or DEFAULT_WORKSPACE, "workspace_name")
        if problem := password_problem(password, email):
            raise IdentityError("WEAK_PASSWORD", f"password {problem}", field="password")
        # argon2 takes tens of milliseconds of CPU: off the event loop.
        password_hash = await asyncio.to_thread(self._passwords.hash, password)
        now = self._clock()
        user_id = prefixed_id("usr")
        async with self._store.begin() as tx:
            if not await tx.accounts.insert_user(user_id, email, name, password_hash, now):
                raise IdentityError(
                    "EMAIL_TAKEN", "an account with this e-mail exists already", field="email"
                )
            org = await tx.accounts.insert_organization(prefixed_id("org"), org_name, now)
            workspace = await tx.accounts.insert_workspace(prefixed_id("ws"), org.id, ws_name, now)
            await tx.memberships.insert_membership(workspace.id, user_id, "owner", now)
            tokens = await self._open_session(tx, user_id, user_agent, now)
        await self._created(workspace)
        user = User(id=user_id, email=email, name=name, created_at=now)
        return SignupResult(user=user, organization=org, workspace=workspace, tokens=tokens)

    async def login(self, email: str, password: str, user_agent: str | None = None) -> TokenPair:
        """A new session. An unknown e-mail and a wrong password are the same error, and take
        the same time."""
        email = normalize_email(email)
        async with self._store.read() as tx:
            found = await tx.accounts.credentials(email)
        if found is None:
            await asyncio.to_thread(self._passwords.burn, password)
            raise IdentityError("INVALID_CREDENTIALS", "wrong e-mail or password")
        if not await asyncio.to_thread(self._passwords.verify, found.password_hash, password):
            raise IdentityError("INVALID_CREDENTIALS", "wrong e-mail or password")
        rehashed = None
        if self._passwords.needs_rehash(found.password_hash):
            rehashed = await asyncio.to_thread(self._passwords.hash, password)
        async with self._store.begin() as tx:
            if rehashed is not None:
                await tx.accounts.set_password_hash(found.user.id, rehashed)
            return await self._open_session(tx, found.user.id, user_agent, self._clock())

    async def refresh(self, refresh_token: str) -> TokenPair:
        """The session's next token pair; `refresh_token` is used up."""
        if not refresh_token.startswith("rt_"):
            raise _rejected("malformed", "not a refresh token")
        token_hash = hash_secret(refresh_token)
        now = self._clock()
        async with self._store.begin() as tx:
            row = await tx.sessions.refresh_for_update(token_hash)
            if row is None:
                outcome = "unknown"
            elif row.session_revoked_at is not None:
                outcome = "revoked"
            elif row.used_at is not None:
                # Committed before raising: the revocation must outlive the refusal.
                await tx.sessions.revoke_session(row.session_id, now)
                outcome = "reused"
            elif row.expires_at <= now:
                outcome = "expired"
            else:
                tokens = self._issue(row.user_id, row.session_id, now)
                next_hash = hash_secret(tokens.refresh_token)
                await tx.sessions.mark_refresh_used(token_hash, now, next_hash)
                await tx.sessions.insert_refresh(
                    next_hash, row.session_id, now, tokens.refresh_expires_at
                )
                await tx.sessions.touch_session(row.session_id, now)
                return tokens
        if outcome == "reused":
            raise IdentityError(
                "REFRESH_REUSED",
                "this refresh token was used already: the session is ended, log in again",
            )
        messages = {
            "unknown": "unknown refresh token",
            "revoked": "the session has ended: log in again",
            "expired": "the refresh token has expired: log in again",
        }
        raise _rejected(outcome, messages[outcome])

    async def logout(self, session_id: str) -> None:
        """End the session: its refresh token and every access token issued for it stop working."""
        async with self._store.begin() as tx:
            if not await tx.sessions.revoke_session(session_id, self._clock()):
                raise IdentityError("NOT_FOUND", "no such session")

    async def authenticate_access(self, token: str) -> Principal:
        try:
            claims = decode_access(token, self._key, self._clock())
        except TokenRejected as rejected:
            raise _rejected(rejected.reason, f"access token rejected: {rejected.reason}") from None
        async with self._store.read() as tx:
            active = await tx.sessions.session_active(claims.session_id, claims.user_id)
        if not active:
            raise _rejected("revoked", "the session has ended: log in again")
        return Principal(user_id=claims.user_id, session_id=claims.session_id)

    async def authenticate_api_key(self, key: str) -> ApiKeyPrincipal:
        """A key acts in its workspace with its permissions, never more than its creator holds
        now: a demoted creator's keys shrink with them, and a departed creator's stop working."""
        key_id = api_key_id(key)
        if key_id is None:
            raise _rejected("malformed", "not an API key")
        async with self._store.read() as tx:
            found = await tx.api_keys.check(key_id)
        if found is None or not same_hash(found.key_hash, hash_secret(key)):
            raise _rejected("unknown", "unknown API key")
        if found.revoked_at is not None or found.creator_role is None:
            raise _rejected("revoked", "this API key has been revoked")
        now = self._clock()
        if found.last_used_at is None or found.last_used_at <= now - KEY_USE_RESOLUTION:
            async with self._store.begin() as tx:
                await tx.api_keys.touch(key_id, now, now - KEY_USE_RESOLUTION)
        return ApiKeyPrincipal(
            key_id=key_id,
            workspace_id=found.workspace_id,
            permissions=frozenset(found.permissions) & permissions_of(found.creator_role),
        )

    # -- what a user sees -----------------------------------------------------------------------

    async def me(self, user_id: str) -> Me:
        async with self._store.read() as tx:
            user = await tx.accounts.user(user_id)
            if user is None:
                raise IdentityError("NOT_FOUND", "no such user")
            memberships = await tx.memberships.memberships_of(user_id)
        return Me(user=user, memberships=tuple(memberships))

    async def organizations(
        self, user_id: str, cursor: str | None = None, limit: int = 50
    ) -> Page[Organization]:
        """The organizations in which the user belongs to at least one workspace."""
        start = page_start(cursor, limit)
        async with self._store.read() as tx:
            rows = await tx.accounts.organizations_page(user_id, start, limit + 1)
        return make_page(rows, limit, lambda o: (o.created_at, o.id))

    async def create_workspace(self, user_id: str, organization_id: str, name: str) -> Workspace:
        """A new workspace in an organization where the user is an admin or owner of some
        workspace; the user owns the new one."""
        name = valid_name(name)
        now = self._clock()
        async with self._store.begin() as tx:
            roles = await tx.memberships.roles_in_organization(user_id, organization_id)
            if not roles:
                raise IdentityError("NOT_FOUND", f"no organization {organization_id!r}")
            if not any(at_least(role, "admin") for role in roles):
                raise IdentityError(
                    "FORBIDDEN", "only an admin or owner in this organization creates workspaces"
                )
            await self._check_workspaces(tx, organization_id)
            workspace = await tx.accounts.insert_workspace(
                prefixed_id("ws"), organization_id, name, now
            )
            await tx.memberships.insert_membership(workspace.id, user_id, "owner", now)
        await self._created(workspace)
        return workspace

    async def _check_workspaces(self, tx: Tx, organization_id: str) -> None:
        """Refuse one more workspace than the plan has; the plan is read from the
        organization's first workspace (all of them follow the organization's plan)."""
        if self._quotas is None:
            return
        await tx.organizations.lock(organization_id)
        existing = await tx.organizations.workspace_ids(organization_id)
        if not existing:
            return
        refused = await self._quotas.standing_refusal(existing[0], WORKSPACES, len(existing))
        if refused is not None:
            raise limit_problem(refused)

    async def _created(self, workspace: Workspace) -> None:
        if self._on_workspace_created is not None:
            await self._on_workspace_created(workspace)

    async def role_in(self, user_id: str, workspace_id: str) -> Role | None:
        """The user's role in the workspace; None when they are not in it (the gateway answers
        404, never 403: a workspace one is not in does not exist for them)."""
        async with self._store.read() as tx:
            return await tx.memberships.role_in(user_id, workspace_id)

    # -- helpers --------------------------------------------------------------------------------

    def _issue(self, user_id: str, session_id: str, now: datetime) -> TokenPair:
        return TokenPair(
            access_token=issue_access(user_id, session_id, now, self._access_ttl, self._key),
            refresh_token=new_refresh_token(),
            access_expires_at=now + self._access_ttl,
            refresh_expires_at=now + self._refresh_ttl,
            session_id=session_id,
            user_id=user_id,
        )

    async def _open_session(
        self, tx: Tx, user_id: str, user_agent: str | None, now: datetime
    ) -> TokenPair:
        session_id = prefixed_id("ses")
        await tx.sessions.insert_session(session_id, user_id, user_agent, now)
        tokens = self._issue(user_id, session_id, now)
        await tx.sessions.insert_refresh(
            hash_secret(tokens.refresh_token), session_id, now, tokens.refresh_expires_at
        )
        return tokens
