"""Answers `exec.GetExecutionReplay`: timeline, state after event N, and a replay against
another published version. The log is read from the event store; the other version's graph
from the flows read model. Both are scoped to the asking workspace."""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.executions.queries import (
    DivergenceReport,
    ExecutionReplay,
    GetExecutionReplay,
    StateSummary,
    TimelineStep,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import InvalidSubjectToken, event_subject
from parley.flow_engine.domain.execution.replay import against_version, state_at, timeline
from parley.flow_engine.domain.execution.state import Execution
from parley.runtime.eventstore import EventStore
from parley.runtime.queries import QueryRefused


class ExecutionReplayer:
    def __init__(self, nc: NatsClient, engine: AsyncEngine, schema: str) -> None:
        self._nc = nc
        self._engine = engine
        self._schema = schema

    async def answer(self, workspace_id: str, query: GetExecutionReplay) -> ExecutionReplay:
        try:
            subject = event_subject("exec", workspace_id, query.execution_id)
        except InvalidSubjectToken as bad:
            raise QueryRefused("400", str(bad)) from None
        events = [e.message for e in await EventStore(self._nc, FLOW_ENGINE.name).load(subject)]
        if not events:
            raise QueryRefused("404", f"no execution {query.execution_id!r} in this workspace")
        final = state_at(events, len(events))
        reply = ExecutionReplay(
            execution_id=query.execution_id,
            flow_id=final.flow_id,
            flow_version=final.flow_version,
            steps=tuple(TimelineStep(**vars(entry)) for entry in timeline(events)),
        )
        if query.at is not None:
            reply = reply.model_copy(update={"state": self._state_after(events, query.at)})
        if query.against_version is not None:
            graph = await self._version(workspace_id, final.flow_id, query.against_version)
            result = against_version(events, graph, query.against_version)
            report = DivergenceReport(
                version=query.against_version,
                recorded_path=tuple(result.recorded_path),
                replayed_path=tuple(result.replayed_path),
                diverges_at=result.diverges_at,
                recorded_status=result.recorded_status,
                replayed_status=result.replayed_status,
            )
            reply = reply.model_copy(update={"divergence": report})
        return reply

    def _state_after(self, events: list[Message], count: int) -> StateSummary:
        try:
            state: Execution = state_at(events, count)
        except ValueError as bad:
            raise QueryRefused("400", str(bad)) from None
        return StateSummary(
            after_event=count,
            status=state.status,
            node_id=state.node_id,
            step=state.step,
            waiting_for=state.waiting.kind if state.waiting else None,
            variables=state.variables,
        )

    async def _version(self, workspace_id: str, flow_id: str, version: int) -> FlowGraph:
        async with self._engine.connect() as conn:
            graph = await conn.scalar(
                text(
                    f'SELECT graph FROM "{self._schema}".flow_versions'
                    " WHERE workspace_id = :ws AND flow_id = :flow AND version = :version"
                ),
                {"ws": workspace_id, "flow": flow_id, "version": version},
            )
        if graph is None:
            raise QueryRefused("404", f"flow {flow_id!r} has no published version {version}")
        return FlowGraph.model_validate(graph)
