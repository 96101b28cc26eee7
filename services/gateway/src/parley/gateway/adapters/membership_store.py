"""Memberships: who is in which workspace, with which role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from parley.gateway.adapters.sql import Repository, after, mapping
from parley.gateway.domain.models import Member, WorkspaceMembership
from parley.gateway.domain.pages import Position
from parley.gateway.domain.roles import Role


class MembershipRows(Repository):
    async def lock_workspace(self, workspace_id: str) -> None:
        """Serialize membership changes of one workspace until the transaction ends, so two
        concurrent demotions cannot both see a second owner."""
        await self.conn.execute(
            text(f"SELECT id FROM {self.t.workspaces} WHERE id = :ws FOR UPDATE"),
            {"ws": workspace_id},
        )

    async def insert_membership(
        self, workspace_id: str, user_id: str, role: Role, at: datetime
    ) -> bool:
        """False when the user is a member already."""
        result = await self.conn.execute(
            text(
                f"INSERT INTO {self.t.memberships} (workspace_id, user_id, role, created_at)"
                " VALUES (:ws, :user, :role, :at)"
                " ON CONFLICT (workspace_id, user_id) DO NOTHING RETURNING user_id"
            ),
            {"ws": workspace_id, "user": user_id, "role": role, "at": at},
        )
        return result.first() is not None

    async def role_in(self, user_id: str, workspace_id: str) -> Role | None:
        role: Role | None = (
            await self.conn.execute(
                text(
                    f"SELECT role FROM {self.t.memberships}"
                    " WHERE workspace_id = :ws AND user_id = :user"
                ),
                {"ws": workspace_id, "user": user_id},
            )
        ).scalar()
        return role

    async def roles_in_organization(self, user_id: str, organization_id: str) -> list[Role]:
        rows = await self.conn.execute(
            text(
                f"SELECT m.role FROM {self.t.memberships} m"
                f" JOIN {self.t.workspaces} w ON w.id = m.workspace_id"
                " WHERE m.user_id = :user AND w.organization_id = :org"
            ),
            {"user": user_id, "org": organization_id},
        )
        return list(rows.scalars())

    async def memberships_of(self, user_id: str) -> list[WorkspaceMembership]:
        rows = await self.conn.execute(
            text(
                "SELECT w.id AS workspace_id, w.name AS workspace_name,"
                " o.id AS organization_id, o.name AS organization_name, m.role"
                f" FROM {self.t.memberships} m"
                f" JOIN {self.t.workspaces} w ON w.id = m.workspace_id"
                f" JOIN {self.t.organizations} o ON o.id = w.organization_id"
                " WHERE m.user_id = :user ORDER BY o.created_at, o.id, w.created_at, w.id"
            ),
            {"user": user_id},
        )
        return [WorkspaceMembership.model_validate(mapping(r)) for r in rows]

    _MEMBER = (
        "SELECT m.user_id, u.email, u.name, m.role, m.created_at AS joined_at"
        " FROM {m} m JOIN {u} u ON u.id = m.user_id WHERE m.workspace_id = :ws"
    )

    async def member(self, workspace_id: str, user_id: str) -> Member | None:
        query = self._MEMBER.format(m=self.t.memberships, u=self.t.users) + " AND m.user_id = :u"
        row = (await self.conn.execute(text(query), {"ws": workspace_id, "u": user_id})).first()
        return None if row is None else Member.model_validate(mapping(row))

    async def members_page(
        self, workspace_id: str, position: Position | None, limit: int
    ) -> list[Member]:
        cond, params = after(position, "m.created_at", "m.user_id")
        query = self._MEMBER.format(m=self.t.memberships, u=self.t.users)
        rows = await self.conn.execute(
            text(f"{query}{cond} ORDER BY m.created_at, m.user_id LIMIT :limit"),
            {"ws": workspace_id, "limit": limit, **params},
        )
        return [Member.model_validate(mapping(r)) for r in rows]

    async def member_with_email(self, workspace_id: str, email: str) -> bool:
        row = (
            await self.conn.execute(
                text(
                    f"SELECT 1 FROM {self.t.memberships} m JOIN {self.t.users} u"
                    " ON u.id = m.user_id WHERE m.workspace_id = :ws AND u.email = :email"
                ),
                {"ws": workspace_id, "email": email},
            )
        ).first()
        return row is not None

    async def set_role(self, workspace_id: str, user_id: str, role: Role) -> None:
        await self.conn.execute(
            text(
                f"UPDATE {self.t.memberships} SET role = :role"
                " WHERE workspace_id = :ws AND user_id = :user"
            ),
            {"ws": workspace_id, "user": user_id, "role": role},
        )

    async def delete_membership(self, workspace_id: str, user_id: str) -> None:
        await self.conn.execute(
            text(f"DELETE FROM {self.t.memberships} WHERE workspace_id = :ws AND user_id = :user"),
            {"ws": workspace_id, "user": user_id},
        )

    async def owner_count(self, workspace_id: str) -> int:
        count: int = (
            await self.conn.execute(
                text(
                    f"SELECT count(*) FROM {self.t.memberships}"
                    " WHERE workspace_id = :ws AND role = 'owner'"
                ),
                {"ws": workspace_id},
            )
        ).scalar_one()
        return count
