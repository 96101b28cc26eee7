"""Sessions and their refresh tokens (stored as SHA-256 only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from parley.gateway.adapters.sql import Repository


@dataclass(frozen=True)
class RefreshRow:
    session_id: str
    user_id: str
    expires_at: datetime
    used_at: datetime | None
    session_revoked_at: datetime | None


class SessionRows(Repository):
    async def insert_session(
        self, session_id: str, user_id: str, user_agent: str | None, at: datetime
    ) -> None:
        await self.conn.execute(
            text(
                f"INSERT INTO {self.t.sessions} (id, user_id, created_at, user_agent, last_used_at)"
                " VALUES (:id, :user, :at, :agent, :at)"
            ),
            {"id": session_id, "user": user_id, "at": at, "agent": user_agent},
        )

    async def insert_refresh(
        self, token_hash: str, session_id: str, issued_at: datetime, expires_at: datetime
    ) -> None:
        await self.conn.execute(
            text(
                f"INSERT INTO {self.t.refresh_tokens}"
                " (token_hash, session_id, issued_at, expires_at)"
                " VALUES (:hash, :session, :issued, :expires)"
            ),
            {"hash": token_hash, "session": session_id, "issued": issued_at, "expires": expires_at},
        )

    async def refresh_for_update(self, token_hash: str) -> RefreshRow | None:
        """The token and its session, the token's row locked: of two concurrent uses of one
        token, the second waits and then sees it used."""
        row = (
            await self.conn.execute(
                text(
                    "SELECT r.session_id, s.user_id, r.expires_at, r.used_at,"
                    " s.revoked_at AS session_revoked_at"
                    f" FROM {self.t.refresh_tokens} r JOIN {self.t.sessions} s"
                    " ON s.id = r.session_id WHERE r.token_hash = :hash FOR UPDATE OF r"
                ),
                {"hash": token_hash},
            )
        ).first()
        return None if row is None else RefreshRow(**row._mapping)

    async def mark_refresh_used(self, token_hash: str, at: datetime, replaced_by: str) -> None:
        await self.conn.execute(
            text(
                f"UPDATE {self.t.refresh_tokens} SET used_at = :at, replaced_by = :next"
                " WHERE token_hash = :hash"
            ),
            {"hash": token_hash, "at": at, "next": replaced_by},
        )

    async def revoke_session(self, session_id: str, at: datetime) -> bool:
        """False when there is no such session; revoking twice keeps the first time."""
        result = await self.conn.execute(
            text(
                f"UPDATE {self.t.sessions} SET revoked_at = coalesce(revoked_at, :at)"
                " WHERE id = :id RETURNING id"
            ),
            {"id": session_id, "at": at},
        )
        return result.first() is not None

    async def touch_session(self, session_id: str, at: datetime) -> None:
        await self.conn.execute(
            text(f"UPDATE {self.t.sessions} SET last_used_at = :at WHERE id = :id"),
            {"id": session_id, "at": at},
        )

    async def session_active(self, session_id: str, user_id: str) -> bool:
        row = (
            await self.conn.execute(
                text(
                    f"SELECT 1 FROM {self.t.sessions}"
                    " WHERE id = :id AND user_id = :user AND revoked_at IS NULL"
                ),
                {"id": session_id, "user": user_id},
            )
        ).first()
        return row is not None
