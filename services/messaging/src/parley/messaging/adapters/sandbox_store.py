"""The sandbox simulator's conversations in Postgres (`messaging.sandbox_messages`)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.messaging.sandbox import SandboxMessage


class SandboxStore:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._table = f'"{schema}".sandbox_messages'

    async def add(
        self,
        *,
        workspace_id: str,
        channel_id: str,
        phone: str,
        message_id: str,
        direction: Literal["inbound", "outbound"],
        content: dict[str, Any],
        at: datetime,
    ) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f"INSERT INTO {self._table}"
                    " (workspace_id, channel_id, phone, message_id, direction, content, at)"
                    " VALUES (:ws, :ch, :phone, :id, :dir, CAST(:content AS jsonb), :at)"
                    " ON CONFLICT (message_id) DO NOTHING"
                ),
                {
                    "ws": workspace_id,
                    "ch": channel_id,
                    "phone": phone,
                    "id": message_id,
                    "dir": direction,
                    "content": json.dumps(content),
                    "at": at,
                },
            )

    async def set_status(self, workspace_id: str, message_id: str, status: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    f"UPDATE {self._table} SET status = :status"
                    " WHERE workspace_id = :ws AND message_id = :id"
                ),
                {"ws": workspace_id, "id": message_id, "status": status},
            )

    async def page(
        self, workspace_id: str, channel_id: str, phone: str, after: int, limit: int
    ) -> tuple[list[SandboxMessage], int | None]:
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        "SELECT position, message_id, direction, phone, content, status, at"
                        f" FROM {self._table}"
                        " WHERE workspace_id = :ws AND channel_id = :ch AND phone = :phone"
                        " AND position > :after ORDER BY position LIMIT :limit"
                    ),
                    {
                        "ws": workspace_id,
                        "ch": channel_id,
                        "phone": phone,
                        "after": after,
                        "limit": limit + 1,
                    },
                )
            ).all()
        messages = [
            SandboxMessage(
                position=row.position,
                message_id=row.message_id,
                direction=row.direction,
                phone=row.phone,
                content=row.content,
                status=row.status,
                at=row.at,
            )
            for row in rows[:limit]
        ]
        more = len(rows) > limit
        return messages, (messages[-1].position if more else None)

    async def forget(self, workspace_id: str, phone: str) -> int:
        """Delete the simulator's conversation with an erased contact, every number's."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                text(f"DELETE FROM {self._table} WHERE workspace_id = :ws AND phone = :phone"),
                {"ws": workspace_id, "phone": phone},
            )
        return int(result.rowcount or 0)
