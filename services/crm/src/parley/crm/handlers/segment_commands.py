"""Answers `crm.ChangeSegment`: save or delete a segment, an aggregate on its own subject.

The segment's log decides (never the read model, which may lag), and the append carries the
expected sequence, so two people saving one segment at once are decided one after the other.
A filter is checked against the workspace's custom fields before anything is recorded.
"""

from __future__ import annotations

from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.queries import Problem
from parley.contracts.crm.segment_queries import ChangeSegment, SegmentChangeResult
from parley.contracts.envelope import Envelope
from parley.contracts.streams import CRM
from parley.contracts.subjects import event_subject
from parley.crm.adapters.segment_store import field_definitions
from parley.crm.adapters.tables import in_schema
from parley.crm.domain.segment import (
    SEGMENT_ID_PREFIX,
    DeleteSegment,
    SaveSegment,
    SegmentCommand,
    SegmentDecider,
    SegmentRefused,
)
from parley.crm.domain.segment_rules import filter_problems
from parley.runtime.eventstore import EventStore, execute


class SegmentCommands:
    def __init__(self, nc: NatsClient, engine: AsyncEngine, schema: str) -> None:
        self._store = EventStore(nc, CRM.name)
        self._engine = engine
        self._schema = schema
        self._decider = SegmentDecider()

    async def answer(self, workspace_id: str, request: ChangeSegment) -> SegmentChangeResult:
        problems = await self._problems(workspace_id, request)
        if problems:
            return SegmentChangeResult(
                ok=False,
                code="SEGMENT_INVALID",
                message=f"the segment has {len(problems)} problem(s) to fix",
                problems=tuple(problems),
            )
        now = datetime.now(UTC)
        command: SegmentCommand
        if request.action == "delete":
            command = DeleteSegment(segment_id=request.segment_id, at=now)
        else:
            assert request.filter is not None  # _problems requires one to save
            command = SaveSegment(
                segment_id=request.segment_id,
                name=request.name.strip(),
                filter=request.filter,
                at=now,
            )
        subject = event_subject("crm", workspace_id, request.segment_id)
        cause = Envelope.wrap(request, workspace_id=workspace_id)
        try:
            outcome = await execute(self._store, subject, self._decider, command, cause=cause)
        except SegmentRefused as refused:
            return SegmentChangeResult(ok=False, code=refused.code, message=str(refused))
        state = outcome.state
        return SegmentChangeResult(ok=True, segment=state.view() if state.exists else None)

    async def _problems(self, workspace_id: str, request: ChangeSegment) -> list[Problem]:
        problems: list[Problem] = []
        if not request.segment_id.startswith(SEGMENT_ID_PREFIX):
            problems.append(
                Problem(field="segment_id", rule=f"must start with {SEGMENT_ID_PREFIX!r}")
            )
        if request.action == "delete":
            return problems
        if not request.name.strip():
            problems.append(Problem(field="name", rule="is required to save a segment"))
        if request.filter is None:
            problems.append(Problem(field="filter", rule="is required to save a segment"))
            return problems
        async with self._engine.connect() as raw:
            definitions = await field_definitions(await in_schema(raw, self._schema), workspace_id)
        return problems + filter_problems(request.filter, definitions)
