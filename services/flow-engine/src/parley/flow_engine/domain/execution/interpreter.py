"""Running a flow graph from a node until the execution has to wait, ends or fails.

Each node entered is recorded (NodeEntered, with the step number and the input's clock); each
side effect leaves as an event carrying a deterministic id (`<execution>:<step>`), so a decision
that is redelivered or retried never sends twice.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parley.contracts.executions.events import (
    BranchChosen,
    ConditionEvaluated,
    ContactUpdateRequested,
    DelayStarted,
    ExecutionCompleted,
    ExecutionFailed,
    ExternalCallRequested,
    FlowJumpRequested,
    HandoverStarted,
    MessageSendRequested,
    NodeEntered,
    VariableAssigned,
    WaitingForReply,
)
from parley.contracts.flows.messages import MediaContent, TemplateContent
from parley.contracts.flows.nodes import (
    AbSplitNode,
    AiAnswerNode,
    ConditionNode,
    DelayNode,
    EndNode,
    HandoverNode,
    HttpRequestNode,
    JumpNode,
    Node,
    SendMessageNode,
    SetVariableNode,
    UpdateContactNode,
    WaitForReplyNode,
)
from parley.contracts.messages import Message
from parley.flow_engine.domain import expressions, templates
from parley.flow_engine.domain.execution.scope import scope_of, to_json
from parley.flow_engine.domain.execution.state import Execution, evolve

# Validation refuses cycles that never wait; this bounds what a jump could still loop through.
MAX_STEPS_PER_DECISION = 500


class _Stop:
    """The execution waits, ended or failed: nothing more to run in this decision."""


STOP = _Stop()
Next = str | None | _Stop  # a node id, None (no edge: the execution ends there) or STOP


class Run:
    """Events emitted so far in one decision, and the state they lead to."""

    def __init__(self, state: Execution, at: datetime) -> None:
        self.state = state
        self.at = at
        self.events: list[Message] = []

    def emit(self, event: Message) -> None:
        self.events.append(event)
        self.state = evolve(self.state, event)

    def command_id(self, suffix: str = "") -> str:
        return f"{self.state.execution_id}:{self.state.step}{suffix}"

    def fail(self, node_id: str, reason: str) -> _Stop:
        self.emit(ExecutionFailed(node_id=node_id, reason=reason, at=self.at))
        return STOP


_WAIT_TOKEN = re.compile(r"^(?P<execution>.+)-\d+(?:[ab]\d+)?$")


def wait_token(execution_id: str, step: int, suffix: str = "") -> str:
    """The id of a wait's timer or request: a subject token that names its execution.

    A retried call adds a suffix: `a<n>` for the request of attempt n, `b<n>` for the backoff
    timer before it, so every attempt and timer of one step has its own id.
    """
    return f"{execution_id}-{step}{suffix}"


def execution_of(token: str) -> str:
    """The execution a timer or request id belongs to."""
    found = _WAIT_TOKEN.match(token)
    if found is None:
        raise ValueError(f"{token!r} is not a wait token")
    return found["execution"]


def follow(state: Execution, node_id: str, port: str) -> str | None:
    for edge in state.graph.edges:
        if edge.source == node_id and edge.port == port:
            return edge.target
    return None


def run_from(run: Run, node_id: str | None) -> None:
    """Enter `node_id` and keep going until the execution has to stop."""
    current: Next = node_id
    for _ in range(MAX_STEPS_PER_DECISION):
        if isinstance(current, _Stop):
            return
        if current is None:
            run.emit(ExecutionCompleted(node_id=run.state.node_id, at=run.at))
            return
        node = run.state.graph.node(current)
        if node is None:
            run.fail(
                current, f"node {current!r} does not exist in version {run.state.flow_version}"
            )
            return
        run.emit(NodeEntered(node_id=node.id, step=run.state.step + 1, at=run.at))
        current = _act(run, node)
    run.fail(run.state.node_id, f"ran {MAX_STEPS_PER_DECISION} nodes without waiting: a loop?")


def _act(run: Run, node: Node) -> Next:
    state = run.state
    try:
        if isinstance(node, SendMessageNode):
            message = render_message(node, scope_of(state))
            run.emit(
                MessageSendRequested(
                    node_id=node.id,
                    command_id=run.command_id(),
                    contact_id=state.contact.contact_id,
                    message=message,
                )
            )
            return follow(state, node.id, "next")
        if isinstance(node, ConditionNode):
            result = expressions.evaluate_bool(
                expressions.parse(node.expression), scope_of(state), now=run.at
            )
            run.emit(ConditionEvaluated(node_id=node.id, result=result))
            return follow(state, node.id, "true" if result else "false")
        if isinstance(node, SetVariableNode):
            value = expressions.evaluate(
                expressions.parse(node.expression), scope_of(state), now=run.at
            )
            run.emit(VariableAssigned(node_id=node.id, name=node.variable, value=to_json(value)))
            return follow(state, node.id, "next")
        if isinstance(node, UpdateContactNode):
            scope = scope_of(state)
            fields = {k: templates.render(v, scope) for k, v in node.set_fields.items()}
            run.emit(
                ContactUpdateRequested(
                    node_id=node.id,
                    command_id=run.command_id(),
                    contact_id=state.contact.contact_id,
                    add_tags=node.add_tags,
                    remove_tags=node.remove_tags,
                    set_fields=fields,
                )
            )
            return follow(state, node.id, "next")
        if isinstance(node, AbSplitNode):
            port, bucket = choose_branch(node, state.contact.contact_id)
            run.emit(BranchChosen(node_id=node.id, port=port, bucket=bucket))
            return follow(state, node.id, port)
        if isinstance(node, JumpNode):
            if node.target_node:
                return node.target_node
            run.emit(
                FlowJumpRequested(
                    node_id=node.id, target_flow=node.target_flow, contact=state.contact
                )
            )
            run.emit(ExecutionCompleted(node_id=node.id, at=run.at))
            return STOP
        if isinstance(node, EndNode):
            run.emit(ExecutionCompleted(node_id=node.id, at=run.at))
            return STOP
        return _wait(run, node)
    except (expressions.ExpressionError, expressions.EvaluationError) as err:
        return run.fail(node.id, f"{node.type} could not be evaluated: {err}")
    except templates.TemplateError as err:
        return run.fail(node.id, f"text could not be filled in: {err}")


def _wait(run: Run, node: Node) -> Next:
    """Nodes that pause the execution until an input arrives."""
    state = run.state
    token = wait_token(state.execution_id, state.step)
    scope = scope_of(state)
    if isinstance(node, WaitForReplyNode):
        timeout_at = run.at + timedelta(seconds=node.timeout_seconds)
        run.emit(WaitingForReply(node_id=node.id, timer_id=token, timeout_at=timeout_at))
    elif isinstance(node, DelayNode):
        until = delay_until(node, run.at, state.contact.time_zone)
        run.emit(DelayStarted(node_id=node.id, timer_id=token, until=until))
    elif isinstance(node, HandoverNode):
        run.emit(HandoverStarted(node_id=node.id, note=node.note))
    elif isinstance(node, HttpRequestNode):
        request: dict[str, Any] = {
            "method": node.method,
            "url": templates.render(node.url, scope),
            "headers": {k: templates.render(v, scope) for k, v in node.headers.items()},
            "body": templates.render(node.body, scope),
            "timeout_seconds": node.timeout_seconds,
        }
        run.emit(
            ExternalCallRequested(node_id=node.id, request_id=token, call="http", request=request)
        )
    elif isinstance(node, AiAnswerNode):
        question = templates.render(node.question, scope)
        run.emit(
            ExternalCallRequested(
                node_id=node.id,
                request_id=token,
                call="ai",
                request={"question": question, "knowledge_base_id": node.knowledge_base_id},
                timeout_at=run.at + timedelta(seconds=node.timeout_seconds),
            )
        )
    else:
        return run.fail(node.id, f"node type {node.type} cannot run here")
    return STOP


def render_message(node: SendMessageNode, scope: dict[str, Any]) -> dict[str, Any]:
    content = node.message.model_dump(mode="json")
    if isinstance(node.message, TemplateContent):
        content["body_parameters"] = [
            templates.render(p, scope) for p in node.message.body_parameters
        ]
        return content
    for field in ("body", "caption"):
        if field in content:
            content[field] = templates.render(content[field], scope)
    if isinstance(node.message, MediaContent):
        content["url"] = templates.render(node.message.url, scope)
    return content


def choose_branch(node: AbSplitNode, contact_id: str) -> tuple[str, int]:
    """Weighted and sticky: the same contact always lands in the same bucket of this node."""
    total = sum(b.weight for b in node.branches)
    digest = hashlib.sha256(f"{contact_id}:{node.id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % total
    edge = 0
    for branch in node.branches:
        edge += branch.weight
        if bucket < edge:
            return branch.port, bucket
    raise AssertionError("weights add up to total")  # unreachable: the loop covers [0, total)


def delay_until(node: DelayNode, now: datetime, time_zone: str) -> datetime:
    if node.seconds is not None:
        return now + timedelta(seconds=node.seconds)
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")  # an unknown zone on a contact must not stop the flow
    hour, minute = (int(part) for part in (node.until_time_of_day or "00:00").split(":"))
    local = now.astimezone(zone)
    target = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    return target
