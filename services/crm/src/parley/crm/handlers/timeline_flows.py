"""The flow part of contacts' timelines (`origin` flow_engine): a run's start, the nodes it
enters, a handover or a move, and its end.

Only ExecutionStarted names the contact, so the projection keeps `execution_contacts` (reset
with its rows) and looks the rest up, once per batch, for the executions the batch did not
start itself. As with messages, anything at or before the contact's erasure is dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.executions.events import ExecutionStarted
from parley.contracts.streams import FLOW_ENGINE
from parley.crm.adapters import timeline_erasures, timeline_executions, timeline_store
from parley.crm.adapters.timeline_executions import ExecutionKey
from parley.crm.adapters.timeline_store import Origin
from parley.crm.domain.timeline_entries import (
    FLOW_EVENTS_SHOWN,
    FlowRun,
    TimelineEntry,
    after_erasure,
    flow_entry,
    run_of,
)
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

ORIGIN: Origin = "flow_engine"
CONSUMER = ConsumerSpec(
    stream=FLOW_ENGINE.name,
    durable="crm-timeline-flows",
    filter_subjects=("exec.evt.>",),
    max_deliver=10,
    fetch_batch=256,
)


def _execution(event: StoredEvent) -> ExecutionKey:
    return (event.envelope.workspace_id, event.subject.split(".")[3])  # exec.evt.<ws>.<id>


class FlowTimeline:
    name = "timeline_flows"

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await timeline_store.reset(conn, schema, ORIGIN)
        await timeline_executions.reset(conn, schema)

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        await self.apply_batch(conn, schema, [event])

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        shown = [e for e in events if isinstance(e.message, FLOW_EVENTS_SHOWN)]
        if not shown:
            return
        started: list[tuple[str, FlowRun, datetime]] = []
        runs: dict[ExecutionKey, FlowRun] = {}
        for event in shown:
            if isinstance(event.message, ExecutionStarted):
                run = run_of(event.message)
                runs[(event.envelope.workspace_id, run.execution_id)] = run
                started.append((event.envelope.workspace_id, run, event.message.at))
        unknown = {_execution(e) for e in shown} - runs.keys()
        runs |= await timeline_executions.runs_of(conn, schema, unknown)
        await timeline_executions.remember(conn, schema, started)
        entries: list[TimelineEntry] = []
        for event in shown:
            known = runs.get(_execution(event))
            if known is None:
                continue  # its start is not in the stream (older than it keeps): nobody to show
            entry = flow_entry(event.envelope, event.message, known)
            if entry is not None:
                entries.append(entry)
        erased = await timeline_erasures.erased_among(conn, schema, (e.contact for e in entries))
        await timeline_store.insert(conn, schema, ORIGIN, after_erasure(entries, erased))
