"""Projects execution events into `flow_engine.executions` and its step log.

Written a batch at a time (the runner's `apply_batch`): a run of six events costs three
statements, batched across every execution in the fetched batch, rather than up to twelve.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.executions.events import (
    DelayStarted,
    ExecutionCancelled,
    ExecutionCompleted,
    ExecutionFailed,
    ExecutionStarted,
    ExternalCallAnswered,
    ExternalCallRequested,
    HandoverReleased,
    HandoverStarted,
    MovedToNode,
    NodeEntered,
    ReplyAccepted,
    TimerElapsed,
    WaitingForReply,
)
from parley.contracts.streams import FLOW_ENGINE
from parley.flow_engine.handlers.erasures import redact_erased
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=FLOW_ENGINE.name,
    durable="execution-read-model",
    filter_subjects=("exec.evt.>",),
    max_deliver=10,
)

_WAITS: dict[type, str] = {
    WaitingForReply: "reply",
    DelayStarted: "delay",
    HandoverStarted: "handover",
    ExternalCallRequested: "external",
}
_RESUMES = (ReplyAccepted, TimerElapsed, HandoverReleased, ExternalCallAnswered, MovedToNode)
_NOW = object()  # stands for "the event's own time" in a status change
_ENDS: dict[type, str] = {
    ExecutionCompleted: "completed",
    ExecutionFailed: "failed",
    ExecutionCancelled: "cancelled",
}


class ExecutionReadModel:
    name = "executions"

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await conn.execute(text(f'TRUNCATE "{schema}".executions, "{schema}".execution_steps'))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        await self.apply_batch(conn, schema, [event])

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        """One statement per kind of write for the whole batch: new executions, step rows, and
        each execution's status changes merged in order into one update."""
        started: list[dict[str, Any]] = []
        steps: list[dict[str, Any]] = []
        changes: dict[tuple[str, str], dict[str, Any]] = {}
        for event in events:
            message = event.message
            detail = message.model_dump(mode="json", exclude={"graph"})
            ws, execution_id = event.envelope.workspace_id, event.subject.split(".")[3]
            at = event.envelope.occurred_at
            key = {"ws": ws, "id": execution_id, "at": at}  # exec.evt.<ws>.<execution_id>
            if isinstance(message, ExecutionStarted):
                started.append(
                    {
                        **key,
                        "flow": message.flow_id,
                        "version": message.flow_version,
                        "contact": message.contact.contact_id,
                        "trigger": message.trigger,
                        "entry": message.graph.entry,
                    }
                )
            steps.append(
                {
                    **key,
                    "seq": event.sequence,
                    "position": event.position,
                    "type": message.wire_name,
                    "node": detail.get("node_id"),
                    "detail": json.dumps(detail),
                }
            )
            change = _status_change(message)
            if change:
                merged = changes.setdefault((ws, execution_id), {})
                merged.update({k: (at if v is _NOW else v) for k, v in change.items()})
                merged["updated_at"] = at
        if started:
            await conn.execute(
                text(
                    f'INSERT INTO "{schema}".executions (workspace_id, execution_id, flow_id,'
                    " flow_version, contact_id, trigger, status, current_node, started_at,"
                    " updated_at) VALUES (:ws, :id, :flow, :version, :contact, :trigger,"
                    " 'running', :entry, :at, :at)"
                ),
                started,
            )
        await conn.execute(
            text(
                f'INSERT INTO "{schema}".execution_steps (workspace_id, execution_id, sequence,'
                " position, event_type, node_id, at, detail) VALUES"
                " (:ws, :id, :seq, :position, :type, :node, :at, CAST(:detail AS jsonb))"
            ),
            steps,
        )
        await redact_erased(conn, schema, steps)
        # Updates with the same columns go together, as one executemany.
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for (ws, execution_id), change in changes.items():
            columns = tuple(sorted(change))
            by_columns.setdefault(columns, []).append({**change, "ws": ws, "id": execution_id})
        for columns, rows in by_columns.items():
            assignments = ", ".join(f"{column} = :{column}" for column in columns)
            await conn.execute(
                text(
                    f'UPDATE "{schema}".executions SET {assignments}'
                    " WHERE workspace_id = :ws AND execution_id = :id"
                ),
                rows,
            )


def _status_change(message: object) -> dict[str, Any]:
    if isinstance(message, NodeEntered):
        return {
            "current_node": message.node_id,
            "status": "running",
            "waiting_for": None,
            "waiting_since": None,
        }
    wait = _WAITS.get(type(message))
    if wait is not None:
        return {"status": "waiting", "waiting_for": wait, "waiting_since": _NOW}
    if isinstance(message, _RESUMES):
        return {"status": "running", "waiting_for": None, "waiting_since": None}
    end = _ENDS.get(type(message))
    if end is not None:
        reason = message.reason if isinstance(message, ExecutionFailed) else None
        return {
            "status": end,
            "waiting_for": None,
            "waiting_since": None,
            "ended_at": _NOW,
            "failure_reason": reason,
        }
    return {}
