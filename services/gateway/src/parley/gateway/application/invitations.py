"""Invitations: an admin invites an e-mail address with a role; whoever holds that address and
the one-time token joins the workspace with that role.

An invitation takes a seat of the organization's plan (`seats`: members plus open invitations,
across its workspaces) unless the address holds one already; over the limit it is a 402."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.billing.entitlements import SEATS
from parley.gateway.adapters.identity_store import IdentityStore, Tx
from parley.gateway.application.common import (
    Clock,
    make_page,
    page_start,
    prefixed_id,
    require,
    valid_email,
)
from parley.gateway.application.errors import IdentityError
from parley.gateway.application.plan_refusals import limit_problem
from parley.gateway.application.results import CreatedInvitation
from parley.gateway.domain.models import Invitation, WorkspaceMembership
from parley.gateway.domain.pages import Page
from parley.gateway.domain.roles import Role, can_grant
from parley.gateway.domain.tokens import hash_secret, new_invitation_token
from parley.runtime.quotas import Quotas


class Invitations:
    def __init__(
        self,
        engine: AsyncEngine,
        schema: str,
        clock: Clock,
        *,
        ttl: timedelta = timedelta(days=7),
        quotas: Quotas | None = None,
    ) -> None:
        self._store = IdentityStore(engine, schema)
        self._clock = clock
        self._ttl = ttl
        self._quotas = quotas  # None: no plan limits (tests of the identity rules alone)

    async def create(
        self, actor_id: str, workspace_id: str, email: str, role: Role
    ) -> CreatedInvitation:
        """Needs `members:write` and a role the actor can grant. A pending invitation to the
        same address is replaced (its token stops working)."""
        email = valid_email(email)
        now = self._clock()
        token = new_invitation_token()
        async with self._store.begin() as tx:
            actor_role = await require(tx.memberships, actor_id, workspace_id, "members:write")
            if not can_grant(actor_role, role):
                raise IdentityError(
                    "ROLE_NOT_GRANTABLE",
                    f"a workspace {actor_role} cannot grant the role {role}",
                    field="role",
                    reason=role,
                )
            if await tx.memberships.member_with_email(workspace_id, email):
                raise IdentityError(
                    "ALREADY_MEMBER", f"{email} is a member of this workspace", field="email"
                )
            await self._check_seat(tx, workspace_id, email, now)
            await tx.invitations.revoke_pending_to(workspace_id, email, now)
            invitation = await tx.invitations.insert(
                invitation_id=prefixed_id("ivt"),
                workspace_id=workspace_id,
                email=email,
                role=role,
                token_hash=hash_secret(token),
                invited_by=actor_id,
                at=now,
                expires_at=now + self._ttl,
            )
        return CreatedInvitation(invitation=invitation, token=token)

    async def _check_seat(self, tx: Tx, workspace_id: str, email: str, now: datetime) -> None:
        """Refuse an invitation that would take a seat the plan does not have."""
        if self._quotas is None:
            return
        organization_id = await tx.organizations.organization_of(workspace_id)
        if organization_id is None:
            return
        await tx.organizations.lock(organization_id)
        if await tx.organizations.holds_seat(organization_id, email, now):
            return  # re-inviting, or a member of another workspace: no new seat
        seats = await tx.organizations.seats(organization_id, now)
        refused = await self._quotas.standing_refusal(workspace_id, SEATS, seats)
        if refused is not None:
            raise limit_problem(refused)

    async def list(
        self, actor_id: str, workspace_id: str, cursor: str | None = None, limit: int = 50
    ) -> Page[Invitation]:
        """Every invitation with its status, oldest first (needs `members:read`)."""
        start = page_start(cursor, limit)
        now = self._clock()
        async with self._store.read() as tx:
            await require(tx.memberships, actor_id, workspace_id, "members:read")
            rows = await tx.invitations.page(workspace_id, start, limit + 1, now)
        return make_page(rows, limit, lambda i: (i.created_at, i.id))

    async def revoke(self, actor_id: str, workspace_id: str, invitation_id: str) -> Invitation:
        """Needs `members:write`. Revoking twice is harmless; an accepted one is INVITATION_USED."""
        now = self._clock()
        async with self._store.begin() as tx:
            await require(tx.memberships, actor_id, workspace_id, "members:write")
            invitation = await tx.invitations.get(workspace_id, invitation_id, now)
            if invitation is None:
                raise IdentityError("NOT_FOUND", f"no invitation {invitation_id!r}")
            if invitation.status == "accepted":
                raise IdentityError("INVITATION_USED", "this invitation was accepted already")
            if invitation.status == "revoked":
                return invitation
            await tx.invitations.mark_revoked(invitation_id, now)
        return invitation.model_copy(update={"revoked_at": now, "status": "revoked"})

    async def accept(self, user_id: str, token: str) -> WorkspaceMembership:
        """The user joins with the invitation's role, if the invitation was sent to their
        e-mail address (compared case-insensitively)."""
        now = self._clock()
        async with self._store.begin() as tx:
            invitation = await tx.invitations.by_token_for_update(hash_secret(token), now)
            if invitation is None or invitation.status == "revoked":
                raise IdentityError("NOT_FOUND", "no such invitation (it may have been revoked)")
            if invitation.status == "accepted":
                raise IdentityError("INVITATION_USED", "this invitation was accepted already")
            if invitation.status == "expired":
                raise IdentityError(
                    "INVITATION_EXPIRED", "this invitation has expired: ask for a new one"
                )
            user = await tx.accounts.user(user_id)
            if user is None:
                raise IdentityError("NOT_FOUND", "no such user")
            if user.email != invitation.email:
                raise IdentityError(
                    "FORBIDDEN", "this invitation was sent to another e-mail address"
                )
            if not await tx.memberships.insert_membership(
                invitation.workspace_id, user_id, invitation.role, now
            ):
                raise IdentityError("ALREADY_MEMBER", "you are a member of this workspace already")
            await tx.invitations.mark_accepted(invitation.id, user_id, now)
            joined = [
                m
                for m in await tx.memberships.memberships_of(user_id)
                if m.workspace_id == invitation.workspace_id
            ]
        return joined[0]
