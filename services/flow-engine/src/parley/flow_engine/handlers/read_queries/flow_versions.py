"""Answers `flow.ListFlowVersions` and `flow.GetFlowVersion` from `flow_versions`, whose rows
never change once written: a version page is stable however long someone takes to turn it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.flows.queries import (
    FlowVersionDetail,
    FlowVersionPage,
    FlowVersionSummary,
    GetFlowVersion,
    ListFlowVersions,
)
from parley.flow_engine.handlers.read_queries import cursors
from parley.runtime.queries import QueryRefused

LISTING = "flow-versions"


class FlowVersionQueries:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def list_versions(self, workspace_id: str, query: ListFlowVersions) -> FlowVersionPage:
        params: dict[str, Any] = {"ws": workspace_id, "flow": query.flow_id, "n": query.limit + 1}
        sql = (
            f'SELECT version, note, published_at FROM "{self._schema}".flow_versions'
            " WHERE workspace_id = :ws AND flow_id = :flow"
        )
        if query.cursor:
            (params["after"],) = cursors.decode(LISTING, query.cursor, cursors.VERSION)
            sql += " AND version < :after"
        async with self._engine.connect() as conn:
            await self._require_flow(conn, workspace_id, query.flow_id)
            result = await conn.execute(text(f"{sql} ORDER BY version DESC LIMIT :n"), params)
            rows = [dict(r._mapping) for r in result]
        page, more = cursors.split_page(rows, query.limit)
        items = tuple(FlowVersionSummary.model_validate(row) for row in page)
        return FlowVersionPage(
            items=items,
            next_cursor=cursors.encode(LISTING, items[-1].version) if more else None,
        )

    async def get_version(self, workspace_id: str, query: GetFlowVersion) -> FlowVersionDetail:
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        f'SELECT version, note, published_at, graph FROM "{self._schema}"'
                        ".flow_versions WHERE workspace_id = :ws AND flow_id = :flow"
                        " AND version = :version"
                    ),
                    {"ws": workspace_id, "flow": query.flow_id, "version": query.version},
                )
            ).first()
            if row is None:
                await self._require_flow(conn, workspace_id, query.flow_id)
                raise QueryRefused(
                    "404", f"flow {query.flow_id!r} has no published version {query.version}"
                )
        return FlowVersionDetail.model_validate(dict(row._mapping))

    async def _require_flow(self, conn: AsyncConnection, workspace_id: str, flow_id: str) -> None:
        """404 for a flow this workspace does not have (rather than an empty list)."""
        found = await conn.scalar(
            text(
                f'SELECT 1 FROM "{self._schema}".flows WHERE workspace_id = :ws AND flow_id = :flow'
            ),
            {"ws": workspace_id, "flow": flow_id},
        )
        if found is None:
            raise QueryRefused("404", f"no flow {flow_id!r} in this workspace")
