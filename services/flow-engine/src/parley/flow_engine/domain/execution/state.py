"""An execution's state, and `evolve`: the fold that rebuilds it from its events.

`evolve` never validates, logs, reads the clock or draws a random number: replaying a recorded
log must land in exactly the state the live run had.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from parley.contracts.executions.events import (
    ContactSnapshot,
    ContactUpdateRequested,
    DelayStarted,
    ExecutionCancelled,
    ExecutionCompleted,
    ExecutionFailed,
    ExecutionStarted,
    ExternalCallAnswered,
    ExternalCallFailed,
    ExternalCallRequested,
    HandoverReleased,
    HandoverStarted,
    MessageStatusRecorded,
    MovedToNode,
    NodeEntered,
    ReplyAccepted,
    ReplyRejected,
    TimerElapsed,
    VariableAssigned,
    WaitingForReply,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message

Status = Literal["new", "running", "waiting", "completed", "failed", "cancelled"]
WaitKind = Literal["reply", "delay", "handover", "external", "retry"]


@dataclass(frozen=True)
class Waiting:
    kind: WaitKind
    node_id: str
    token: str = ""  # the timer id or the request id that ends the wait
    until: datetime | None = None
    rejected: int = 0  # replies refused so far at this Wait for reply
    # An external call (kind "external", or "retry" while backing off before the next attempt):
    # the attempt number and the request, so a retry sends the same request again.
    attempt: int = 1
    request: dict[str, Any] | None = None


@dataclass(frozen=True)
class Execution:
    status: Status = "new"
    execution_id: str = ""
    flow_id: str = ""
    flow_version: int = 0
    graph: FlowGraph = field(default_factory=FlowGraph)
    contact: ContactSnapshot = field(default_factory=lambda: ContactSnapshot(contact_id=""))
    variables: dict[str, Any] = field(default_factory=dict)
    reply: dict[str, str] = field(default_factory=dict)
    node_id: str = ""  # the node the execution is at (or ended at)
    step: int = 0  # NodeEntered count: the basis of deterministic command ids
    waiting: Waiting | None = None
    since: datetime | None = None  # when the current node was entered
    statuses: dict[str, str] = field(default_factory=dict)  # command id -> delivery status

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed", "cancelled")


def evolve(state: Execution, event: Message) -> Execution:
    if isinstance(event, ExecutionStarted):
        return Execution(
            status="running",
            execution_id=event.execution_id,
            flow_id=event.flow_id,
            flow_version=event.flow_version,
            graph=event.graph,
            contact=event.contact,
            variables=dict(event.variables),
            reply=dict(event.reply),
            node_id=event.graph.entry,
            since=event.at,
        )
    if isinstance(event, NodeEntered):
        return replace(
            state,
            status="running",
            node_id=event.node_id,
            step=event.step,
            since=event.at,
            waiting=None,
        )
    if isinstance(event, VariableAssigned):
        return replace(state, variables={**state.variables, event.name: event.value})
    if isinstance(event, ContactUpdateRequested):
        tags = [t for t in state.contact.tags if t not in event.remove_tags]
        tags += [t for t in event.add_tags if t not in tags]
        contact = state.contact.model_copy(
            update={"tags": tuple(tags), "fields": {**state.contact.fields, **event.set_fields}}
        )
        return replace(state, contact=contact)
    if isinstance(event, WaitingForReply):
        wait = Waiting("reply", event.node_id, event.timer_id, event.timeout_at)
        return replace(state, status="waiting", waiting=wait)
    if isinstance(event, ReplyRejected) and state.waiting is not None:
        wait = replace(state.waiting, rejected=event.attempt)
        return replace(state, waiting=wait, reply={"text": event.text, "button_id": ""})
    if isinstance(event, ReplyAccepted):
        reply = {"text": event.text, "button_id": event.button_id}
        return replace(state, status="running", waiting=None, reply=reply)
    if isinstance(event, DelayStarted):
        wait = Waiting("delay", event.node_id, event.timer_id, event.until)
        return replace(state, status="waiting", waiting=wait)
    if isinstance(event, HandoverStarted):
        return replace(state, status="waiting", waiting=Waiting("handover", event.node_id))
    if isinstance(event, ExternalCallRequested):
        wait = Waiting(
            "external",
            event.node_id,
            event.request_id,
            until=event.timeout_at,
            attempt=event.attempt,
            request=dict(event.request),
        )
        return replace(state, status="waiting", waiting=wait)
    if isinstance(event, ExternalCallFailed) and state.waiting is not None:
        wait = replace(
            state.waiting, kind="retry", token=event.retry_timer_id, until=event.retry_at
        )
        return replace(state, waiting=wait)
    if isinstance(event, MessageStatusRecorded):
        return replace(state, statuses={**state.statuses, event.command_id: event.status})
    if isinstance(event, TimerElapsed | HandoverReleased | ExternalCallAnswered):
        return replace(state, status="running", waiting=None)
    if isinstance(event, MovedToNode):
        return replace(state, status="running", waiting=None, node_id=event.node_id)
    if isinstance(event, ExecutionCompleted):
        return replace(state, status="completed", waiting=None, node_id=event.node_id)
    if isinstance(event, ExecutionFailed):
        return replace(state, status="failed", waiting=None, node_id=event.node_id)
    if isinstance(event, ExecutionCancelled):
        return replace(state, status="cancelled", waiting=None)
    return state
