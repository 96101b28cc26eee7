"""What an organization holds that a plan limits: its workspaces and its seats.

A seat is an e-mail address that is a member of one of the organization's workspaces or has an
open invitation to one (not accepted, revoked or expired): one person in three workspaces, or
invited twice, takes one seat.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from parley.gateway.adapters.sql import Repository


class OrganizationRows(Repository):
    def _seats(self) -> str:
        return (
            f"SELECT u.email FROM {self.t.memberships} m"
            f" JOIN {self.t.users} u ON u.id = m.user_id"
            f" JOIN {self.t.workspaces} w ON w.id = m.workspace_id WHERE w.organization_id = :org"
            f" UNION SELECT i.email FROM {self.t.invitations} i"
            f" JOIN {self.t.workspaces} w ON w.id = i.workspace_id WHERE w.organization_id = :org"
            " AND i.accepted_at IS NULL AND i.revoked_at IS NULL"
            " AND i.expires_at > CAST(:now AS timestamptz)"
        )

    async def lock(self, organization_id: str) -> None:
        """Serialize the organization's seat and workspace changes until the transaction ends,
        so two concurrent requests cannot both take the last one."""
        await self.conn.execute(
            text(f"SELECT id FROM {self.t.organizations} WHERE id = :org FOR UPDATE"),
            {"org": organization_id},
        )

    async def organization_of(self, workspace_id: str) -> str | None:
        found: str | None = (
            await self.conn.execute(
                text(f"SELECT organization_id FROM {self.t.workspaces} WHERE id = :ws"),
                {"ws": workspace_id},
            )
        ).scalar()
        return found

    async def workspace_ids(self, organization_id: str) -> list[str]:
        """The organization's workspaces, oldest first."""
        rows = await self.conn.execute(
            text(
                f"SELECT id FROM {self.t.workspaces} WHERE organization_id = :org"
                " ORDER BY created_at, id"
            ),
            {"org": organization_id},
        )
        return list(rows.scalars())

    async def seats(self, organization_id: str, now: datetime) -> int:
        count: int = (
            await self.conn.execute(
                text(f"SELECT count(*) FROM ({self._seats()}) seats"),
                {"org": organization_id, "now": now},
            )
        ).scalar_one()
        return count

    async def holds_seat(self, organization_id: str, email: str, now: datetime) -> bool:
        row = (
            await self.conn.execute(
                text(f"SELECT 1 FROM ({self._seats()}) seats WHERE email = :email"),
                {"org": organization_id, "now": now, "email": email},
            )
        ).first()
        return row is not None
