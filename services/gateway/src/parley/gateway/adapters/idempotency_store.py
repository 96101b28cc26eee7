"""Saved responses of POSTs sent with an `Idempotency-Key`, in the gateway's schema.

`claim` is one INSERT ... ON CONFLICT: of two concurrent requests with one key exactly one runs,
the other sees it in progress. A key older than the retention is reclaimed as new.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Claim:
    outcome: Literal["new", "replay", "mismatch", "in_progress"]
    status: int = 0
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


class IdempotencyStore:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._table = f'"{schema}".idempotency_keys'

    async def claim(self, scope: str, key: str, fingerprint: str, now: datetime) -> Claim:
        params = {"scope": scope, "key": key, "fp": fingerprint, "now": now, "old": now - RETENTION}
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f"DELETE FROM {self._table}"
                    " WHERE scope = :scope AND key = :key AND created_at < :old"
                ),
                params,
            )
            inserted = await conn.execute(
                text(
                    f"INSERT INTO {self._table} (scope, key, fingerprint, created_at)"
                    " VALUES (:scope, :key, :fp, :now) ON CONFLICT DO NOTHING"
                ),
                params,
            )
            if inserted.rowcount == 1:
                return Claim("new")
            row = (
                await conn.execute(
                    text(
                        f"SELECT fingerprint, status, headers, body FROM {self._table}"
                        " WHERE scope = :scope AND key = :key"
                    ),
                    params,
                )
            ).one()
        if row.fingerprint != fingerprint:
            return Claim("mismatch")
        if row.status is None:
            return Claim("in_progress")
        headers = tuple((str(k), str(v)) for k, v in row.headers)
        return Claim("replay", row.status, headers, bytes(row.body))

    async def complete(
        self, scope: str, key: str, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f"UPDATE {self._table} SET status = :status, headers = CAST(:headers AS jsonb),"
                    " body = :body WHERE scope = :scope AND key = :key"
                ),
                {
                    "scope": scope,
                    "key": key,
                    "status": status,
                    "headers": json.dumps(headers),
                    "body": body,
                },
            )

    async def release(self, scope: str, key: str) -> None:
        """Forget a claim whose request failed on our side, so a retry runs again."""
        async with self._engine.begin() as conn:
            await conn.execute(
                text(f"DELETE FROM {self._table} WHERE scope = :scope AND key = :key"),
                {"scope": scope, "key": key},
            )
