"""Answers `flow.ListFlows` and `flow.GetFlow` from the flows read model.

Pages are keyed on (updated_at, flow_id), both descending. A flow changed while someone pages
moves to the front, behind the cursor: it is never listed twice, and one not reached yet shows
up on a fresh first page instead.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.flows.queries import FlowDetail, FlowPage, FlowSummary, GetFlow, ListFlows
from parley.flow_engine.handlers.read_queries import cursors
from parley.runtime.queries import QueryRefused

LISTING = "flows"

# The latest version joined on, so "unpublished changes" is one comparison of two JSONB values
# (the domain's own test: never published, or the draft differs from the latest version).
_SELECT = (
    "SELECT f.flow_id, f.name, f.archived, f.latest_version, f.created_at, f.updated_at,"
    " f.duplicated_from, v.graph IS DISTINCT FROM f.draft AS has_unpublished_changes{extra}"
    ' FROM "{schema}".flows f LEFT JOIN "{schema}".flow_versions v'
    " ON v.workspace_id = f.workspace_id AND v.flow_id = f.flow_id"
    " AND v.version = f.latest_version WHERE f.workspace_id = :ws"
)


class FlowQueries:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def list_flows(self, workspace_id: str, query: ListFlows) -> FlowPage:
        clauses = [_SELECT.format(schema=self._schema, extra="")]
        params: dict[str, Any] = {"ws": workspace_id, "n": query.limit + 1}
        if query.archived is not None:
            clauses.append("f.archived = :archived")
            params["archived"] = query.archived
        if query.search:
            clauses.append("f.name ILIKE :pattern ESCAPE '\\'")
            params["pattern"] = f"%{_escape_like(query.search)}%"
        if query.cursor:
            params["at"], params["after"] = cursors.decode(
                LISTING, query.cursor, cursors.TIME_AND_ID
            )
            clauses.append("(f.updated_at, f.flow_id) < (:at, :after)")
        sql = " AND ".join(clauses) + " ORDER BY f.updated_at DESC, f.flow_id DESC LIMIT :n"
        async with self._engine.connect() as conn:
            rows = [dict(r._mapping) for r in await conn.execute(text(sql), params)]
        page, more = cursors.split_page(rows, query.limit)
        items = tuple(FlowSummary.model_validate(row) for row in page)
        last = items[-1] if more else None
        return FlowPage(
            items=items,
            next_cursor=cursors.encode(LISTING, last.updated_at, last.flow_id) if last else None,
        )

    async def get_flow(self, workspace_id: str, query: GetFlow) -> FlowDetail:
        sql = _SELECT.format(schema=self._schema, extra=", f.draft") + " AND f.flow_id = :flow"
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(text(sql), {"ws": workspace_id, "flow": query.flow_id})
            ).first()
        if row is None:
            raise QueryRefused("404", f"no flow {query.flow_id!r} in this workspace")
        return FlowDetail.model_validate(dict(row._mapping))  # the draft JSONB back to a FlowGraph


def _escape_like(search: str) -> str:
    """The search as a literal: its %, _ and \\ match themselves."""
    return search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
