"""The published flows of a workspace, read from the flows read model, for routing and jumps.

Published versions never change, so their parsed triggers and graphs are cached by
(workspace, flow, version) for the life of the process. Which version is the latest, and which
flows are archived, is read at most once a second per workspace (`CANDIDATES_TTL`): a busy
workspace then costs no query per message, and a publish or an archive takes effect within a
second of reaching the read model, well within the time a person takes to test it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.flows.graph import FlowGraph, Trigger
from parley.flow_engine.domain.triggers import PublishedFlow

_TRIGGERS = TypeAdapter(tuple[Trigger, ...])
CACHE_SIZE = 4096
CANDIDATES_TTL = 1.0  # seconds

VersionKey = tuple[str, str, int]  # workspace, flow, version


class _Lru(OrderedDict[VersionKey, Any]):
    def remember(self, key: VersionKey, value: Any) -> Any:
        self[key] = value
        self.move_to_end(key)
        while len(self) > CACHE_SIZE:
            self.popitem(last=False)
        return value


class PublishedFlows:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema
        self._triggers = _Lru()
        self._graphs = _Lru()
        self._candidates: dict[str, tuple[float, list[PublishedFlow]]] = {}

    async def candidates(self, workspace_id: str) -> list[PublishedFlow]:
        """The latest published version of every non-archived flow, oldest flow first."""
        now = time.monotonic()
        cached = self._candidates.get(workspace_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        found = await self._read_candidates(workspace_id)
        if len(self._candidates) >= CACHE_SIZE:
            self._candidates.clear()  # crude, but bounded; entries live a second anyway
        self._candidates[workspace_id] = (now + CANDIDATES_TTL, found)
        return found

    async def _read_candidates(self, workspace_id: str) -> list[PublishedFlow]:
        async with self._engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(
                        f'SELECT flow_id, latest_version FROM "{self._schema}".flows'
                        " WHERE workspace_id = :ws AND NOT archived AND latest_version > 0"
                        " ORDER BY created_at, flow_id"
                    ),
                    {"ws": workspace_id},
                )
            ).all()
            missing = [
                (flow_id, version)
                for flow_id, version in rows
                if (workspace_id, flow_id, version) not in self._triggers
            ]
            for flow_id, version, triggers in await self._load_triggers(
                conn, workspace_id, missing
            ):
                self._triggers.remember(
                    (workspace_id, flow_id, version), _TRIGGERS.validate_python(triggers or [])
                )
        return [
            PublishedFlow(flow_id, version, self._triggers[(workspace_id, flow_id, version)], n)
            for n, (flow_id, version) in enumerate(rows)
        ]

    async def graph(self, workspace_id: str, flow_id: str, version: int) -> FlowGraph | None:
        key = (workspace_id, flow_id, version)
        if key in self._graphs:
            cached: FlowGraph = self._graphs[key]
            return cached
        async with self._engine.connect() as conn:
            raw = await conn.scalar(
                text(
                    f'SELECT graph FROM "{self._schema}".flow_versions'
                    " WHERE workspace_id = :ws AND flow_id = :flow AND version = :v"
                ),
                {"ws": workspace_id, "flow": flow_id, "v": version},
            )
        if raw is None:
            return None
        graph: FlowGraph = self._graphs.remember(key, FlowGraph.model_validate(raw))
        return graph

    async def latest(self, workspace_id: str, flow_id: str) -> tuple[int, FlowGraph] | None:
        """The latest published version of a flow that is not archived, or None."""
        async with self._engine.connect() as conn:
            version = await conn.scalar(
                text(
                    f'SELECT latest_version FROM "{self._schema}".flows'
                    " WHERE workspace_id = :ws AND flow_id = :flow AND NOT archived"
                    " AND latest_version > 0"
                ),
                {"ws": workspace_id, "flow": flow_id},
            )
        if version is None:
            return None
        graph = await self.graph(workspace_id, flow_id, version)
        return None if graph is None else (version, graph)

    async def _load_triggers(
        self, conn: Any, workspace_id: str, wanted: list[tuple[str, int]]
    ) -> list[tuple[str, int, Any]]:
        if not wanted:
            return []
        rows = await conn.execute(
            text(
                f"SELECT flow_id, version, graph->'triggers' FROM \"{self._schema}\".flow_versions"
                " WHERE workspace_id = :ws AND (flow_id, version) IN"
                " (SELECT * FROM unnest(CAST(:flows AS text[]), CAST(:versions AS int[])))"
            ),
            {
                "ws": workspace_id,
                "flows": [f for f, _ in wanted],
                "versions": [v for _, v in wanted],
            },
        )
        return [(r[0], r[1], r[2]) for r in rows]
