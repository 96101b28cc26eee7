"""Answers `exec.GetExecutionStats` (the dashboard's execution figures) from the executions and
flows read models, scoped to the asking workspace in SQL.

Active means running or waiting now, whenever it started; started, completed and failed count
the executions started since the period began, so per flow completed <= started.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.executions.stats import (
    ExecutionStats,
    FlowExecutionStats,
    GetExecutionStats,
)

_ACTIVE = "status IN ('running', 'waiting')"
_COUNTS = (
    f"count(*) FILTER (WHERE {_ACTIVE}) AS active,"
    " count(*) FILTER (WHERE started_at >= :since) AS started,"
    " count(*) FILTER (WHERE started_at >= :since AND status = 'completed') AS completed,"
    " count(*) FILTER (WHERE started_at >= :since AND status = 'failed') AS failed"
)
# What the period touches: started in it, or still going (a long wait started before it).
_TOUCHED = f"workspace_id = :ws AND (started_at >= :since OR {_ACTIVE})"


class ExecutionStatsQueries:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def answer(self, workspace_id: str, query: GetExecutionStats) -> ExecutionStats:
        executions = f'"{self._schema}".executions'
        flows = f'"{self._schema}".flows'
        params: dict[str, Any] = {"ws": workspace_id, "since": query.since, "n": query.flow_limit}
        async with self._engine.connect() as conn:
            totals = (
                await conn.execute(
                    text(
                        f"SELECT {_COUNTS}, count(*) FILTER (WHERE status = 'waiting'"
                        " AND waiting_for = 'handover') AS waiting_handover"
                        f" FROM {executions} WHERE {_TOUCHED}"
                    ),
                    params,
                )
            ).one()
            per_flow = await conn.execute(
                text(
                    f"SELECT e.flow_id, coalesce(f.name, '') AS name, e.active, e.started,"
                    " e.completed, e.failed"
                    f" FROM (SELECT flow_id, {_COUNTS} FROM {executions} WHERE {_TOUCHED}"
                    " GROUP BY flow_id) AS e"
                    f" LEFT JOIN {flows} AS f ON f.workspace_id = :ws AND f.flow_id = e.flow_id"
                    " ORDER BY e.started DESC, e.active DESC, e.flow_id LIMIT :n"
                ),
                params,
            )
            published = await conn.scalar(
                text(
                    f"SELECT count(*) FROM {flows}"
                    " WHERE workspace_id = :ws AND latest_version > 0 AND NOT archived"
                ),
                params,
            )
        return ExecutionStats(
            since=query.since,
            active=totals.active,
            started=totals.started,
            completed=totals.completed,
            failed=totals.failed,
            waiting_handover=totals.waiting_handover,
            published_flows=int(published or 0),
            flows=tuple(FlowExecutionStats.model_validate(dict(r._mapping)) for r in per_flow),
        )
