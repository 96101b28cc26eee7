"""Answers `exec.ListExecutions` and `exec.GetExecution` from the executions read model.

Pages are keyed on (started_at, execution_id), both descending: a start time never changes, so
paging never skips or repeats an execution; new ones appear on a fresh first page.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.executions.queries import (
    MAX_STEPS,
    ExecutionDetail,
    ExecutionPage,
    ExecutionStep,
    ExecutionSummary,
    GetExecution,
    ListExecutions,
)
from parley.flow_engine.handlers.read_queries import cursors
from parley.runtime.queries import QueryRefused

LISTING = "executions"
COLUMNS = (
    "execution_id, flow_id, flow_version, status, current_node, waiting_for, waiting_since,"
    " started_at, ended_at, failure_reason, contact_id, trigger"
)


class ExecutionQueries:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def list_executions(self, workspace_id: str, query: ListExecutions) -> ExecutionPage:
        where = ["workspace_id = :ws"]
        params: dict[str, Any] = {"ws": workspace_id, "n": query.limit + 1}
        for name in ("flow_id", "status", "contact_id"):
            value = getattr(query, name)
            if value is not None:
                where.append(f"{name} = :{name}")  # a fixed column name, the value bound
                params[name] = value
        if query.cursor:
            params["at"], params["after"] = cursors.decode(
                LISTING, query.cursor, cursors.TIME_AND_ID
            )
            where.append("(started_at, execution_id) < (:at, :after)")
        sql = (
            f'SELECT {COLUMNS} FROM "{self._schema}".executions WHERE {" AND ".join(where)}'
            " ORDER BY started_at DESC, execution_id DESC LIMIT :n"
        )
        async with self._engine.connect() as conn:
            rows = [dict(r._mapping) for r in await conn.execute(text(sql), params)]
        page, more = cursors.split_page(rows, query.limit)
        items = tuple(ExecutionSummary.model_validate(row) for row in page)
        last = items[-1] if more else None
        return ExecutionPage(
            items=items,
            next_cursor=cursors.encode(LISTING, last.started_at, last.execution_id)
            if last
            else None,
        )

    async def get_execution(self, workspace_id: str, query: GetExecution) -> ExecutionDetail:
        key = {"ws": workspace_id, "id": query.execution_id}
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        f'SELECT {COLUMNS} FROM "{self._schema}".executions'
                        " WHERE workspace_id = :ws AND execution_id = :id"
                    ),
                    key,
                )
            ).first()
            if row is None:
                raise QueryRefused("404", f"no execution {query.execution_id!r} in this workspace")
            steps = await conn.execute(
                text(
                    "SELECT sequence, position, event_type, node_id, at, detail"
                    f' FROM "{self._schema}".execution_steps'
                    " WHERE workspace_id = :ws AND execution_id = :id"
                    " ORDER BY sequence, position LIMIT :n"
                ),
                {**key, "n": MAX_STEPS + 1},
            )
            step_rows = [ExecutionStep.model_validate(dict(s._mapping)) for s in steps]
        shown, truncated = cursors.split_page(step_rows, MAX_STEPS)
        return ExecutionDetail.model_validate(
            {**dict(row._mapping), "steps": tuple(shown), "steps_truncated": truncated}
        )
