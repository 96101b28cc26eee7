"""A workspace's members: list them, change a role, remove one.

Every change locks the workspace row first, so the owner count it checks cannot change under it:
a workspace always keeps at least one owner.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from parley.gateway.adapters.identity_store import IdentityStore
from parley.gateway.adapters.membership_store import MembershipRows
from parley.gateway.application.common import Clock, make_page, page_start, require
from parley.gateway.application.errors import IdentityError
from parley.gateway.domain.models import Member
from parley.gateway.domain.pages import Page
from parley.gateway.domain.roles import Role, can_grant


class Members:
    def __init__(self, engine: AsyncEngine, schema: str, clock: Clock) -> None:
        self._store = IdentityStore(engine, schema)
        self._clock = clock

    async def list(
        self, actor_id: str, workspace_id: str, cursor: str | None = None, limit: int = 50
    ) -> Page[Member]:
        """In the order they joined (needs `members:read`)."""
        start = page_start(cursor, limit)
        async with self._store.read() as tx:
            await require(tx.memberships, actor_id, workspace_id, "members:read")
            rows = await tx.memberships.members_page(workspace_id, start, limit + 1)
        return make_page(rows, limit, lambda m: (m.joined_at, m.user_id))

    async def change_role(
        self, actor_id: str, workspace_id: str, target_user_id: str, role: Role
    ) -> Member:
        """Needs `members:write`; the actor can grant neither a role above their own nor change
        the role of a member above them, and the last owner stays an owner."""
        async with self._store.begin() as tx:
            await tx.memberships.lock_workspace(workspace_id)
            actor_role = await require(tx.memberships, actor_id, workspace_id, "members:write")
            target = await self._target(tx.memberships, workspace_id, target_user_id)
            if not can_grant(actor_role, role):
                raise IdentityError(
                    "ROLE_NOT_GRANTABLE",
                    f"a workspace {actor_role} cannot grant the role {role}",
                    field="role",
                    reason=role,
                )
            if not can_grant(actor_role, target.role):
                raise IdentityError(
                    "FORBIDDEN", f"a workspace {actor_role} cannot change a {target.role}'s role"
                )
            if role == target.role:
                return target
            if target.role == "owner":
                await self._keep_an_owner(tx.memberships, workspace_id, "demote")
            await tx.memberships.set_role(workspace_id, target_user_id, role)
        return target.model_copy(update={"role": role})

    async def remove(self, actor_id: str, workspace_id: str, target_user_id: str) -> None:
        """Needs `members:write` and a role at least the target's, except to leave: anyone may
        remove themselves. The last owner cannot go."""
        async with self._store.begin() as tx:
            await tx.memberships.lock_workspace(workspace_id)
            if actor_id == target_user_id:
                target = await self._target(tx.memberships, workspace_id, target_user_id)
            else:
                actor_role = await require(tx.memberships, actor_id, workspace_id, "members:write")
                target = await self._target(tx.memberships, workspace_id, target_user_id)
                if not can_grant(actor_role, target.role):
                    raise IdentityError(
                        "FORBIDDEN", f"a workspace {actor_role} cannot remove a {target.role}"
                    )
            if target.role == "owner":
                await self._keep_an_owner(tx.memberships, workspace_id, "remove")
            await tx.memberships.delete_membership(workspace_id, target_user_id)

    @staticmethod
    async def _target(memberships: MembershipRows, workspace_id: str, user_id: str) -> Member:
        target = await memberships.member(workspace_id, user_id)
        if target is None:
            raise IdentityError("NOT_FOUND", f"no member {user_id!r} in this workspace")
        return target

    @staticmethod
    async def _keep_an_owner(memberships: MembershipRows, workspace_id: str, verb: str) -> None:
        if await memberships.owner_count(workspace_id) <= 1:
            raise IdentityError(
                "LAST_OWNER",
                f"cannot {verb} the workspace's last owner: make another member an owner first",
            )
