"""`decide`: what an input does to an execution, as events. Pure.

Late or stale inputs (a reply after the end, a timer of a wait that already ended, a duplicate
answer) decide nothing: they are answered with no events rather than an error, because they are
normal in a distributed system. Support operations on an execution that cannot take them are
refused with a code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parley.contracts.executions.events import (
    ExecutionCancelled,
    ExecutionStarted,
    ExternalCallAnswered,
    HandoverReleased,
    MessageSendRequested,
    MovedToNode,
    ReplyAccepted,
    ReplyRejected,
    TimerElapsed,
    VariableAssigned,
)
from parley.contracts.executions.inputs import (
    CancelExecution,
    DeliverExternalAnswer,
    DeliverReply,
    DeliverTimer,
    MoveExecution,
    ReleaseHandover,
    StartExecution,
)
from parley.contracts.flows.messages import TextContent
from parley.contracts.flows.nodes import AiAnswerNode, HttpRequestNode, WaitForReplyNode
from parley.contracts.messages import Message
from parley.flow_engine.domain import templates
from parley.flow_engine.domain.execution.interpreter import Run, follow, run_from
from parley.flow_engine.domain.execution.replies import check_reply
from parley.flow_engine.domain.execution.scope import scope_of
from parley.flow_engine.domain.execution.state import Execution, evolve

ExecutionInput = (
    StartExecution
    | DeliverReply
    | DeliverTimer
    | DeliverExternalAnswer
    | CancelExecution
    | MoveExecution
    | ReleaseHandover
)


class ExecutionRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def decide(state: Execution, command: ExecutionInput) -> Sequence[Message]:
    if isinstance(command, StartExecution):
        return [] if state.status != "new" else _start(state, command)
    if state.status == "new":
        raise ExecutionRefused("EXECUTION_NOT_FOUND", "no such execution")
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


def _timer(run: Run, command: DeliverTimer) -> None:
    waiting = run.state.waiting
    if waiting is None or waiting.token != command.timer_id:
        return  # a timer of a wait that already ended
    run.emit(TimerElapsed(timer_id=command.timer_id, at=command.at))
    port = "timeout" if waiting.kind == "reply" else "next"
    run_from(run, follow(run.state, waiting.node_id, port))


def _answer(run: Run, command: DeliverExternalAnswer) -> None:
    waiting = run.state.waiting
    if waiting is None or waiting.kind != "external" or waiting.token != command.request_id:
        return  # a duplicate or stale answer
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
