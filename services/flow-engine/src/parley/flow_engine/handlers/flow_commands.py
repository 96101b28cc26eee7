"""Answers `flow.ChangeFlow`: decides a change on the flow aggregate and says what happened.

The flow's log is the only state consulted (never the read model, which may lag), and the
append carries the expected sequence, so two editors racing on one flow cannot both win
silently: the loser's change is decided again on the newer state.

A publish or unarchive that the flow allows is then checked against the plan (`FlowPlan`):
refused with PLAN_LIMIT_REACHED or PLAN_FEATURE_MISSING, nothing is recorded.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from pydantic import ValidationError

from parley.contracts.envelope import Envelope
from parley.contracts.flows.commands import (
    ArchiveFlow,
    CreateFlow,
    DuplicateFlow,
    PublishFlow,
    RenameFlow,
    UnarchiveFlow,
    UpdateFlowDraft,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.flows.requests import ChangeFlow, FlowChangeResult, FlowProblem
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.flow import (
    Flow,
    FlowCommand,
    FlowDecider,
    FlowRefused,
    duplicate,
)
from parley.flow_engine.domain.validation import Problem, errors, validate
from parley.flow_engine.handlers.flow_plan import FlowPlan
from parley.runtime.eventstore import ConcurrencyError, EventStore, execute

_Change = UpdateFlowDraft | RenameFlow | PublishFlow | ArchiveFlow | UnarchiveFlow
_COMMANDS: dict[str, type[_Change]] = {
    "update_draft": UpdateFlowDraft,
    "rename": RenameFlow,
    "publish": PublishFlow,
    "archive": ArchiveFlow,
    "unarchive": UnarchiveFlow,
}


class FlowCommands:
    def __init__(self, nc: NatsClient, plan: FlowPlan | None = None) -> None:
        self._store = EventStore(nc, FLOW_ENGINE.name)
        self._decider = FlowDecider()
        self._plan = plan

    async def answer(self, workspace_id: str, request: ChangeFlow) -> FlowChangeResult:
        try:
            if request.action == "validate":
                return await self._validate(workspace_id, request)
            if request.action == "duplicate":
                return await self._duplicate(workspace_id, request)
            return await self._change(workspace_id, request)
        except ValidationError as err:
            return FlowChangeResult(
                ok=False,
                flow_id=request.flow_id,
                code="INVALID_REQUEST",
                message=f"the {request.action} request has {err.error_count()} invalid field(s)",
                problems=tuple(_field_problems(err)),
            )
        except FlowRefused as refused:
            return FlowChangeResult(
                ok=False,
                flow_id=request.flow_id,
                code=refused.code,
                message=str(refused),
                problems=tuple(_problem(p) for p in refused.problems),
            )

    async def _change(self, workspace_id: str, request: ChangeFlow) -> FlowChangeResult:
        command: FlowCommand
        if request.action == "create":
            command = CreateFlow.model_validate({**request.payload, "flow_id": request.flow_id})
        else:
            command = _COMMANDS[request.action].model_validate(request.payload)
        if isinstance(command, PublishFlow | UnarchiveFlow) and self._plan is not None:
            await self._check_plan(workspace_id, request.flow_id, command)
        cause = Envelope.wrap(command, workspace_id=workspace_id)
        subject = event_subject("flow", workspace_id, request.flow_id)
        outcome = await execute(self._store, subject, self._decider, command, cause=cause)
        return FlowChangeResult(
            ok=True,
            flow_id=request.flow_id,
            events=tuple(e.type for e in outcome.events),
            latest_version=outcome.state.latest_version,
            problems=tuple(_problem(p) for p in validate(outcome.state.draft)),
        )

    async def _check_plan(
        self, workspace_id: str, flow_id: str, command: PublishFlow | UnarchiveFlow
    ) -> None:
        """Refuse a change the plan does not allow, once the flow itself would take it."""
        assert self._plan is not None
        flow = await self._load(workspace_id, flow_id)
        if not self._decider.decide(flow, command):
            return  # refused by the flow (raised), or a no-op: nothing for the plan to say
        if isinstance(command, PublishFlow):
            await self._plan.check_publish(workspace_id, flow)
        else:
            await self._plan.check_unarchive(workspace_id, flow)

    async def _duplicate(self, workspace_id: str, request: ChangeFlow) -> FlowChangeResult:
        command = DuplicateFlow.model_validate(request.payload)
        source = await self._load(workspace_id, request.flow_id)
        created = duplicate(source, command)
        subject = event_subject("flow", workspace_id, command.new_flow_id)
        cause = Envelope.wrap(command, workspace_id=workspace_id)
        try:
            await self._store.append(subject, [cause.caused(created)], 0)
        except ConcurrencyError:
            raise FlowRefused(
                "FLOW_EXISTS", f"a flow with id {command.new_flow_id!r} exists"
            ) from None
        return FlowChangeResult(
            ok=True, flow_id=command.new_flow_id, events=(created.wire_name,), latest_version=0
        )

    async def _validate(self, workspace_id: str, request: ChangeFlow) -> FlowChangeResult:
        if "graph" in request.payload:
            graph = FlowGraph.model_validate(request.payload["graph"])
        else:
            flow = await self._load(workspace_id, request.flow_id)
            if not flow.exists:
                raise FlowRefused("FLOW_NOT_FOUND", "no such flow")
            graph = flow.draft
        problems = validate(graph)
        blocking = errors(problems)
        return FlowChangeResult(
            ok=not blocking,
            flow_id=request.flow_id,
            code="FLOW_INVALID" if blocking else "",
            message=f"{len(blocking)} problem(s) to fix before publishing" if blocking else "",
            problems=tuple(_problem(p) for p in problems),
        )

    async def _load(self, workspace_id: str, flow_id: str) -> Flow:
        state = self._decider.initial_state()
        for stored in await self._store.load(event_subject("flow", workspace_id, flow_id)):
            state = self._decider.evolve(state, stored.message)
        return state


def _problem(problem: Problem) -> FlowProblem:
    return FlowProblem(
        node_id=problem.node_id,
        field=problem.field,
        rule=problem.rule,
        severity=problem.severity,
    )


def _field_problems(err: ValidationError) -> list[FlowProblem]:
    return [
        FlowProblem(
            field=".".join(str(part) for part in error["loc"]) or "payload",
            rule=error["msg"],
        )
        for error in err.errors()
    ]
