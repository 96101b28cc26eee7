"""Workspace API keys, stored as the SHA-256 of the whole key and found by key id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text

from parley.gateway.adapters.sql import Repository, after, mapping
from parley.gateway.domain.models import ApiKey
from parley.gateway.domain.pages import Position
from parley.gateway.domain.roles import Role

_COLUMNS = "id, workspace_id, name, permissions, created_by, created_at, last_used_at, revoked_at"


@dataclass(frozen=True)
class KeyCheck:
    """What authenticating a key needs, in one indexed read."""

    key_hash: str
    workspace_id: str
    permissions: list[str]
    revoked_at: datetime | None
    last_used_at: datetime | None
    creator_role: Role | None  # None once the creator has left the workspace


class ApiKeyRows(Repository):
    async def insert(
        self,
        *,
        key_id: str,
        workspace_id: str,
        name: str,
        permissions: list[str],
        key_hash: str,
        created_by: str,
        at: datetime,
    ) -> ApiKey:
        row = (
            await self.conn.execute(
                text(
                    f"INSERT INTO {self.t.api_keys} (id, workspace_id, name, permissions,"
                    " key_hash, created_by, created_at)"
                    " VALUES (:id, :ws, :name, CAST(:permissions AS text[]), :hash, :by, :at)"
                    f" RETURNING {_COLUMNS}"
                ),
                {
                    "id": key_id,
                    "ws": workspace_id,
                    "name": name,
                    "permissions": permissions,
                    "hash": key_hash,
                    "by": created_by,
                    "at": at,
                },
            )
        ).one()
        return ApiKey.model_validate(mapping(row))

    async def page(
        self, workspace_id: str, position: Position | None, limit: int, include_revoked: bool
    ) -> list[ApiKey]:
        cond, params = after(position, "created_at", "id")
        live = "" if include_revoked else " AND revoked_at IS NULL"
        rows = await self.conn.execute(
            text(
                f"SELECT {_COLUMNS} FROM {self.t.api_keys} WHERE workspace_id = :ws{live}"
                f"{cond} ORDER BY created_at, id LIMIT :limit"
            ),
            {"ws": workspace_id, "limit": limit, **params},
        )
        return [ApiKey.model_validate(mapping(r)) for r in rows]

    async def revoke(self, workspace_id: str, key_id: str, at: datetime) -> ApiKey | None:
        """None when the workspace has no such key; revoking twice keeps the first time."""
        row = (
            await self.conn.execute(
                text(
                    f"UPDATE {self.t.api_keys} SET revoked_at = coalesce(revoked_at, :at)"
                    f" WHERE workspace_id = :ws AND id = :id RETURNING {_COLUMNS}"
                ),
                {"ws": workspace_id, "id": key_id, "at": at},
            )
        ).first()
        return None if row is None else ApiKey.model_validate(mapping(row))

    async def check(self, key_id: str) -> KeyCheck | None:
        row = (
            await self.conn.execute(
                text(
                    "SELECT k.key_hash, k.workspace_id, k.permissions, k.revoked_at,"
                    " k.last_used_at, m.role AS creator_role"
                    f" FROM {self.t.api_keys} k LEFT JOIN {self.t.memberships} m"
                    " ON m.workspace_id = k.workspace_id AND m.user_id = k.created_by"
                    " WHERE k.id = :id"
                ),
                {"id": key_id},
            )
        ).first()
        return None if row is None else KeyCheck(**row._mapping)

    async def touch(self, key_id: str, at: datetime, unless_after: datetime) -> None:
        """Record a use, unless one was recorded after `unless_after` (at most one write a
        minute per key, however busy it is)."""
        await self.conn.execute(
            text(
                f"UPDATE {self.t.api_keys} SET last_used_at = :at WHERE id = :id"
                " AND (last_used_at IS NULL OR last_used_at <= :since)"
            ),
            {"id": key_id, "at": at, "since": unless_after},
        )
