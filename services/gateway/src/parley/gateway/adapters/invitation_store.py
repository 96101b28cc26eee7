"""Invitations to a workspace; the one-time token is stored as its SHA-256 only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from parley.gateway.adapters.sql import Repository, after, mapping
from parley.gateway.domain.models import Invitation
from parley.gateway.domain.pages import Position
from parley.gateway.domain.roles import Role

_COLUMNS = (
    "id, workspace_id, email, role, invited_by, created_at, expires_at, accepted_at, accepted_by,"
    " revoked_at, CASE WHEN accepted_at IS NOT NULL THEN 'accepted'"
    " WHEN revoked_at IS NOT NULL THEN 'revoked'"
    " WHEN expires_at <= CAST(:now AS timestamptz) THEN 'expired' ELSE 'pending' END AS status"
)


class InvitationRows(Repository):
    async def insert(
        self,
        *,
        invitation_id: str,
        workspace_id: str,
        email: str,
        role: Role,
        token_hash: str,
        invited_by: str,
        at: datetime,
        expires_at: datetime,
    ) -> Invitation:
        row = (
            await self.conn.execute(
                text(
                    f"INSERT INTO {self.t.invitations} (id, workspace_id, email, role, token_hash,"
                    " invited_by, created_at, expires_at)"
                    " VALUES (:id, :ws, :email, :role, :hash, :by, :now, :expires)"
                    f" RETURNING {_COLUMNS}"
                ),
                {
                    "id": invitation_id,
                    "ws": workspace_id,
                    "email": email,
                    "role": role,
                    "hash": token_hash,
                    "by": invited_by,
                    "now": at,
                    "expires": expires_at,
                },
            )
        ).one()
        return Invitation.model_validate(mapping(row))

    async def revoke_pending_to(self, workspace_id: str, email: str, at: datetime) -> None:
        """A new invitation to an address replaces the pending one (its link stops working)."""
        await self.conn.execute(
            text(
                f"UPDATE {self.t.invitations} SET revoked_at = :at"
                " WHERE workspace_id = :ws AND email = :email"
                " AND accepted_at IS NULL AND revoked_at IS NULL"
            ),
            {"ws": workspace_id, "email": email, "at": at},
        )

    async def page(
        self, workspace_id: str, position: Position | None, limit: int, now: datetime
    ) -> list[Invitation]:
        cond, params = after(position, "created_at", "id")
        rows = await self.conn.execute(
            text(
                f"SELECT {_COLUMNS} FROM {self.t.invitations} WHERE workspace_id = :ws"
                f"{cond} ORDER BY created_at, id LIMIT :limit"
            ),
            {"ws": workspace_id, "limit": limit, "now": now, **params},
        )
        return [Invitation.model_validate(mapping(r)) for r in rows]

    async def get(self, workspace_id: str, invitation_id: str, now: datetime) -> Invitation | None:
        row = (
            await self.conn.execute(
                text(
                    f"SELECT {_COLUMNS} FROM {self.t.invitations}"
                    " WHERE workspace_id = :ws AND id = :id FOR UPDATE"
                ),
                {"ws": workspace_id, "id": invitation_id, "now": now},
            )
        ).first()
        return None if row is None else Invitation.model_validate(mapping(row))

    async def by_token_for_update(self, token_hash: str, now: datetime) -> Invitation | None:
        row = (
            await self.conn.execute(
                text(
                    f"SELECT {_COLUMNS} FROM {self.t.invitations}"
                    " WHERE token_hash = :hash FOR UPDATE"
                ),
                {"hash": token_hash, "now": now},
            )
        ).first()
        return None if row is None else Invitation.model_validate(mapping(row))

    async def mark_accepted(self, invitation_id: str, user_id: str, at: datetime) -> None:
        await self.conn.execute(
            text(
                f"UPDATE {self.t.invitations} SET accepted_at = :at, accepted_by = :user"
                " WHERE id = :id"
            ),
            {"id": invitation_id, "user": user_id, "at": at},
        )

    async def mark_revoked(self, invitation_id: str, at: datetime) -> None:
        await self.conn.execute(
            text(
                f"UPDATE {self.t.invitations} SET revoked_at = coalesce(revoked_at, :at)"
                " WHERE id = :id"
            ),
            {"id": invitation_id, "at": at},
        )
