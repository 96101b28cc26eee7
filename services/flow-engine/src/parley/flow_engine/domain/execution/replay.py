"""Replaying a recorded execution: its timeline, its state after any event, and what another
published version would have done with the same inputs.

The inputs are read back from the log itself (a reply from ReplyAccepted/Rejected, a timer from
TimerElapsed, an answer from ExternalCallAnswered, ...). Timer and request ids depend on step
numbers, which differ between versions, so a recorded timer or answer is delivered to whatever
the replayed execution is waiting on at that point (`CURRENT`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parley.contracts.executions.events import (
    ExecutionCancelled,
    ExecutionStarted,
    ExternalCallAnswered,
    ExternalCallFailed,
    HandoverReleased,
    MessageStatusRecorded,
    MovedToNode,
    NodeEntered,
    ReplyAccepted,
    ReplyRejected,
    TimerElapsed,
)
from parley.contracts.executions.inputs import (
    CancelExecution,
    DeliverExternalAnswer,
    DeliverMessageStatus,
    DeliverReply,
    DeliverTimer,
    MoveExecution,
    ReleaseHandover,
    StartExecution,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message
from parley.flow_engine.domain.execution.decide import ExecutionInput, ExecutionRefused, decide
from parley.flow_engine.domain.execution.state import Execution, evolve

CURRENT = "@current"  # deliver to the wait the execution is in, whatever its id


@dataclass(frozen=True)
class TimelineEntry:
    index: int  # 1-based position of the event in the log
    event: str  # the wire name, e.g. "exec.NodeEntered"
    node_id: str | None
    at: datetime | None  # the time of the input that caused it
    detail: dict[str, Any]


def timeline(events: Sequence[Message]) -> list[TimelineEntry]:
    entries = []
    current_at: datetime | None = None
    node_id: str | None = None
    for index, event in enumerate(events, start=1):
        data = event.model_dump(mode="json")
        current_at = getattr(event, "at", None) or current_at
        node_id = data.pop("node_id", None) or node_id
        data.pop("at", None)
        if isinstance(event, ExecutionStarted):
            data = {k: v for k, v in data.items() if k != "graph"}  # the graph is shown apart
        entries.append(TimelineEntry(index, event.wire_name, node_id, current_at, data))
    return entries


def state_at(events: Sequence[Message], count: int) -> Execution:
    """The state after the first `count` events (0: before the execution started)."""
    if not 0 <= count <= len(events):
        raise ValueError(f"the log has {len(events)} events; ask for 0 to {len(events)}")
    state = Execution()
    for event in events[:count]:
        state = evolve(state, event)
    return state


def recorded_inputs(events: Sequence[Message]) -> list[ExecutionInput]:
    inputs: list[ExecutionInput] = []
    for event in events:
        if isinstance(event, ExecutionStarted):
            inputs.append(
                StartExecution(
                    execution_id=event.execution_id,
                    flow_id=event.flow_id,
                    flow_version=event.flow_version,
                    graph=event.graph,
                    contact=event.contact,
                    trigger=event.trigger,
                    variables=event.variables,
                    reply=event.reply,
                    at=event.at,
                )
            )
        elif isinstance(event, ReplyAccepted):
            inputs.append(DeliverReply(text=event.text, button_id=event.button_id, at=event.at))
        elif isinstance(event, ReplyRejected):
            inputs.append(DeliverReply(text=event.text, at=event.at))
        elif isinstance(event, TimerElapsed):
            inputs.append(DeliverTimer(timer_id=CURRENT, at=event.at))
        elif isinstance(event, ExternalCallFailed | ExternalCallAnswered):
            inputs.append(_answer_input(event))
        elif isinstance(event, MessageStatusRecorded):
            inputs.append(
                DeliverMessageStatus(
                    command_id=event.command_id,
                    status=event.status,
                    provider_message_id=event.provider_message_id,
                    code=event.code,
                    reason=event.reason,
                    at=event.at,
                )
            )
        elif isinstance(event, ExecutionCancelled):
            inputs.append(CancelExecution(reason=event.reason, by=event.by, at=event.at))
        elif isinstance(event, MovedToNode):
            inputs.append(MoveExecution(node_id=event.node_id, by=event.by, at=event.at))
        elif isinstance(event, HandoverReleased):
            inputs.append(ReleaseHandover(by=event.by, at=event.at))
    return inputs


def _answer_input(event: ExternalCallFailed | ExternalCallAnswered) -> ExecutionInput:
    """What delivered an answer or a failure: a timer if the attempt timed out, else an answer."""
    if isinstance(event, ExternalCallFailed):
        if event.timed_out:
            return DeliverTimer(timer_id=CURRENT, at=event.at)
        return DeliverExternalAnswer(
            request_id=CURRENT,
            ok=False,
            retryable=True,
            result={"error": event.error},
            at=event.at,
        )
    if event.port == "error" and event.result.get("timed_out"):
        return DeliverTimer(timer_id=CURRENT, at=event.at)
    return DeliverExternalAnswer(
        request_id=CURRENT, ok=event.port != "error", result=event.result, at=event.at
    )


def resolve(command: ExecutionInput, state: Execution) -> ExecutionInput:
    token = state.waiting.token if state.waiting else "none"
    if isinstance(command, DeliverTimer) and command.timer_id == CURRENT:
        return command.model_copy(update={"timer_id": token})
    if isinstance(command, DeliverExternalAnswer) and command.request_id == CURRENT:
        return command.model_copy(update={"request_id": token})
    return command


def play(
    inputs: Sequence[ExecutionInput],
) -> tuple[list[ExecutionInput], list[Message], Execution]:
    """Feed inputs to `decide` as the engine would; refused support operations are skipped."""
    state = Execution()
    played: list[ExecutionInput] = []
    log: list[Message] = []
    for command in inputs:
        concrete = resolve(command, state)
        played.append(concrete)
        try:
            events = decide(state, concrete)
        except ExecutionRefused:
            continue  # e.g. a move to a node the other version does not have
        for event in events:
            log.append(event)
            state = evolve(state, event)
    return played, log, state


@dataclass(frozen=True)
class Divergence:
    recorded_path: list[str]  # the node ids entered, in order
    replayed_path: list[str]
    diverges_at: int | None  # the first step where the paths differ; None: identical
    recorded_status: str
    replayed_status: str
    replayed_log: list[Message]


def against_version(events: Sequence[Message], graph: FlowGraph, version: int) -> Divergence:
    """Feed this execution's recorded inputs to another version's graph and compare the paths."""
    inputs = recorded_inputs(events)
    if not inputs or not isinstance(inputs[0], StartExecution):
        raise ValueError("the log does not start with ExecutionStarted")
    start = inputs[0].model_copy(update={"graph": graph, "flow_version": version})
    _, replayed, state = play([start, *inputs[1:]])
    recorded_path = _path(events)
    replayed_path = _path(replayed)
    return Divergence(
        recorded_path=recorded_path,
        replayed_path=replayed_path,
        diverges_at=_first_difference(recorded_path, replayed_path),
        recorded_status=state_at(events, len(events)).status,
        replayed_status=state.status,
        replayed_log=replayed,
    )


def _path(events: Sequence[Message]) -> list[str]:
    return [e.node_id for e in events if isinstance(e, NodeEntered)]


def _first_difference(a: list[str], b: list[str]) -> int | None:
    for index, (left, right) in enumerate(zip(a, b, strict=False)):
        if left != right:
            return index
    return None if len(a) == len(b) else min(len(a), len(b))
