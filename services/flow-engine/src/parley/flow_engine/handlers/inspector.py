"""The per-contact inspector: which flows a contact is in, at which node, waiting for what, since
when. Reads the executions read model, always scoped to the asking workspace."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.executions.queries import ContactInspection, ExecutionSummary, InspectContact

_COLUMNS = (
    "execution_id, flow_id, flow_version, status, current_node, waiting_for, waiting_since,"
    " started_at, ended_at, failure_reason, contact_id, trigger"
)


class ContactInspector:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def answer(self, workspace_id: str, query: InspectContact) -> ContactInspection:
        table = f'"{self._schema}".executions'
        params = {"ws": workspace_id, "contact": query.contact_id, "n": query.include_finished}
        async with self._engine.connect() as conn:
            active = await conn.execute(
                text(
                    f"SELECT {_COLUMNS} FROM {table} WHERE workspace_id = :ws"
                    " AND contact_id = :contact AND status IN ('running', 'waiting')"
                    " ORDER BY started_at"
                ),
                params,
            )
            active_rows = [ExecutionSummary.model_validate(dict(r._mapping)) for r in active]
            recent_rows: list[ExecutionSummary] = []
            if query.include_finished:
                recent = await conn.execute(
                    text(
                        f"SELECT {_COLUMNS} FROM {table} WHERE workspace_id = :ws"
                        " AND contact_id = :contact"
                        " AND status IN ('completed', 'failed', 'cancelled')"
                        " ORDER BY ended_at DESC LIMIT :n"
                    ),
                    params,
                )
                recent_rows = [ExecutionSummary.model_validate(dict(r._mapping)) for r in recent]
        return ContactInspection(
            contact_id=query.contact_id, active=tuple(active_rows), recent=tuple(recent_rows)
        )
