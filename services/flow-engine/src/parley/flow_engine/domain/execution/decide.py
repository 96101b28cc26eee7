"""`decide`: what an input does to an execution, as events. Pure.

Late or stale inputs (a reply after the end, a timer of a wait that already ended, a duplicate
answer) decide nothing: they are answered with no events rather than an error, because they are
normal in a distributed system. Support operations on an execution that cannot take them are
refused with a code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from parley.contracts.executions.events import (
    ExecutionCancelled,
    ExecutionStarted,
    ExternalCallAnswered,
    ExternalCallFailed,
    ExternalCallRequested,
    HandoverReleased,
    MessageSendRequested,
    MessageStatusRecorded,
    MovedToNode,
    ReplyAccepted,
    ReplyRejected,
    TimerElapsed,
    VariableAssigned,
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
from parley.contracts.flows.messages import TextContent
from parley.contracts.flows.nodes import AiAnswerNode, HttpRequestNode, WaitForReplyNode
from parley.contracts.messages import Message
from parley.contracts.messaging.events import STATUS_RANK
from parley.flow_engine.domain import templates
from parley.flow_engine.domain.execution.interpreter import Run, follow, run_from, wait_token
from parley.flow_engine.domain.execution.replies import check_reply
from parley.flow_engine.domain.execution.retries import retry_at
from parley.flow_engine.domain.execution.scope import scope_of
from parley.flow_engine.domain.execution.state import Execution, Waiting, evolve

ExecutionInput = (
    StartExecution
    | DeliverReply
    | DeliverTimer
    | DeliverExternalAnswer
    | DeliverMessageStatus
    | CancelExecution
    | MoveExecution
    | ReleaseHandover
)


TIMED_OUT = "no answer in time"


class ExecutionRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def decide(state: Execution, command: ExecutionInput) -> Sequence[Message]:
    if isinstance(command, StartExecution):
        return [] if state.status != "new" else _start(state, command)
    if state.status == "new":
        raise ExecutionRefused("EXECUTION_NOT_FOUND", "no such execution")
    if isinstance(command, DeliverMessageStatus):
        return _status(state, command)  # statuses arrive after the end too; they are history
    if state.finished:
        if isinstance(command, CancelExecution | MoveExecution | ReleaseHandover):
            raise ExecutionRefused("EXECUTION_FINISHED", f"the execution is {state.status}")
        return []
    run = Run(state, command.at)
    if isinstance(command, DeliverReply):
        _reply(run, command)
    elif isinstance(command, DeliverTimer):
        _timer(run, command)
    elif isinstance(command, DeliverExternalAnswer):
        _answer(run, command)
    elif isinstance(command, CancelExecution):
        run.emit(ExecutionCancelled(reason=command.reason, by=command.by, at=command.at))
    elif isinstance(command, MoveExecution):
        if state.graph.node(command.node_id) is None:
            raise ExecutionRefused("NODE_NOT_FOUND", f"no node {command.node_id!r} in this version")
        run.emit(MovedToNode(node_id=command.node_id, by=command.by, at=command.at))
        run_from(run, command.node_id)
    else:
        _release(run, command)
    return run.events


def _start(state: Execution, command: StartExecution) -> Sequence[Message]:
    run = Run(state, command.at)
    run.emit(
        ExecutionStarted(
            execution_id=command.execution_id,
            flow_id=command.flow_id,
            flow_version=command.flow_version,
            graph=command.graph,
            contact=command.contact,
            trigger=command.trigger,
            variables=_initial_variables(command),
            reply=command.reply,
            at=command.at,
        )
    )
    run_from(run, command.graph.entry)
    return run.events


def _initial_variables(command: StartExecution) -> dict[str, Any]:
    declared = {v.name: v.default for v in command.graph.variables}
    return {**declared, **command.variables}


def _reply(run: Run, command: DeliverReply) -> None:
    waiting = run.state.waiting
    if waiting is None or waiting.kind != "reply":
        return  # only a waiting execution takes replies; routing sends others to triggers
    node = run.state.graph.node(waiting.node_id)
    if not isinstance(node, WaitForReplyNode):
        run.fail(waiting.node_id, "the wait node is missing from this version")
        return
    checked = check_reply(node.validation, command.text, command.button_id)
    if checked.ok:
        run.emit(
            ReplyAccepted(
                node_id=node.id, text=command.text, button_id=command.button_id, at=command.at
            )
        )
        if node.save_to:
            run.emit(VariableAssigned(node_id=node.id, name=node.save_to, value=checked.value))
        run_from(run, follow(run.state, node.id, "reply"))
        return
    attempt = waiting.rejected + 1
    run.emit(
        ReplyRejected(
            node_id=node.id,
            text=command.text,
            reason=checked.reason,
            attempt=attempt,
            at=command.at,
        )
    )
    if attempt <= node.validation.max_reprompts:
        prompt = node.validation.reprompt or f"Sorry, {checked.reason}. Please try again."
        body = templates.render(prompt, scope_of(run.state))
        run.emit(
            MessageSendRequested(
                node_id=node.id,
                contact_id=run.state.contact.contact_id,
                command_id=run.command_id(f":r{attempt}"),
                message=TextContent(body=body).model_dump(mode="json"),
            )
        )
        return
    run_from(run, follow(run.state, node.id, "invalid"))


def _status(state: Execution, command: DeliverMessageStatus) -> Sequence[Message]:
    if not command.command_id.startswith(f"{state.execution_id}:"):
        return []  # not a message of this execution
    current = state.statuses.get(command.command_id)
    if current is not None and STATUS_RANK[command.status] <= STATUS_RANK[current]:
        return []  # a duplicate, or a status overtaken by a later one (read before delivered)
    return [
        MessageStatusRecorded(
            command_id=command.command_id,
            status=command.status,
            provider_message_id=command.provider_message_id,
            code=command.code,
            reason=command.reason,
            at=command.at,
        )
    ]


def _timer(run: Run, command: DeliverTimer) -> None:
    waiting = run.state.waiting
    if waiting is None or waiting.token != command.timer_id:
        return  # a timer of a wait that already ended
    if waiting.kind == "external":
        _call_failed(run, waiting, {"error": TIMED_OUT, "timed_out": True}, retryable=True)
        return
    run.emit(TimerElapsed(timer_id=command.timer_id, at=command.at))
    if waiting.kind == "retry":
        _retry(run, waiting)
        return
    port = "timeout" if waiting.kind == "reply" else "next"
    run_from(run, follow(run.state, waiting.node_id, port))


def _retry(run: Run, waiting: Waiting) -> None:
    node = run.state.graph.node(waiting.node_id)
    attempt = waiting.attempt + 1
    timeout_at = None
    if isinstance(node, AiAnswerNode):
        timeout_at = run.at + timedelta(seconds=node.timeout_seconds)
    run.emit(
        ExternalCallRequested(
            node_id=waiting.node_id,
            request_id=wait_token(run.state.execution_id, run.state.step, f"a{attempt}"),
            call="ai" if isinstance(node, AiAnswerNode) else "http",
            request=waiting.request or {},
            attempt=attempt,
            timeout_at=timeout_at,
        )
    )


def _call_failed(run: Run, waiting: Waiting, result: dict[str, Any], *, retryable: bool) -> None:
    """A failed attempt: back off and try again while attempts remain, else the error port."""
    error = str(result.get("error") or "the call failed")
    node = run.state.graph.node(waiting.node_id)
    max_attempts = node.max_attempts if isinstance(node, AiAnswerNode | HttpRequestNode) else 1
    if retryable and waiting.attempt < max_attempts:
        run.emit(
            ExternalCallFailed(
                node_id=waiting.node_id,
                request_id=waiting.token,
                attempt=waiting.attempt,
                error=error,
                timed_out=bool(result.get("timed_out")),
                retry_timer_id=wait_token(
                    run.state.execution_id, run.state.step, f"b{waiting.attempt + 1}"
                ),
                retry_at=retry_at(run.at, waiting.attempt, waiting.token),
                at=run.at,
            )
        )
        return
    final = {**result, "error": error, "attempts": waiting.attempt}
    run.emit(ExternalCallAnswered(request_id=waiting.token, port="error", result=final, at=run.at))
    _continue_at_error(run, waiting.node_id, error)


def _continue_at_error(run: Run, node_id: str, error: str) -> None:
    # A node without an error edge fails the execution with the reason: ending "completed"
    # would hide a failure from the user looking at the run.
    target = follow(run.state, node_id, "error")
    if target is None:
        run.fail(node_id, f"the call failed and the node has no error path: {error}")
        return
    run_from(run, target)


def _answer(run: Run, command: DeliverExternalAnswer) -> None:
    waiting = run.state.waiting
    if waiting is None or waiting.kind != "external" or waiting.token != command.request_id:
        return  # a duplicate or stale answer
    if not command.ok:
        _call_failed(run, waiting, command.result, retryable=command.retryable)
        return
    node = run.state.graph.node(waiting.node_id)
    port = "error"
    assignments: dict[str, Any] = {}
    if isinstance(node, HttpRequestNode) and command.ok:
        port = "success"
        body = command.result.get("json")
        assignments = {
            name: templates.lookup(body, path) if isinstance(body, dict) else None
            for name, path in node.response_mapping.items()
        }
    elif isinstance(node, AiAnswerNode) and command.ok:
        answered = bool(command.result.get("answer"))
        port = "answered" if answered else "no_answer"
        if answered and node.save_to:
            assignments = {node.save_to: command.result["answer"]}
    run.emit(
        ExternalCallAnswered(
            request_id=command.request_id, port=port, result=command.result, at=command.at
        )
    )
    for name, value in assignments.items():
        run.emit(VariableAssigned(node_id=waiting.node_id, name=name, value=value))
    if port == "error":
        _continue_at_error(run, waiting.node_id, str(command.result.get("error", "")))
        return
    run_from(run, follow(run.state, waiting.node_id, port))


def _release(run: Run, command: ReleaseHandover) -> None:
    waiting = run.state.waiting
    if waiting is None or waiting.kind != "handover":
        raise ExecutionRefused("NOT_IN_HANDOVER", "the execution is not handed over to a person")
    run.emit(HandoverReleased(by=command.by, at=command.at))
    run_from(run, follow(run.state, waiting.node_id, "released"))


class ExecutionDecider:
    """The execution as the runtime's `Decider`, for `parley.runtime.eventstore.execute`."""

    def initial_state(self) -> Execution:
        return Execution()

    def evolve(self, state: Execution, event: Message) -> Execution:
        return evolve(state, event)

    def decide(self, state: Execution, command: ExecutionInput) -> Sequence[Message]:
        return decide(state, command)

    def snapshot(self, state: Execution) -> Message | None:
        return None  # executions are short logs; loading them is one batched direct get
