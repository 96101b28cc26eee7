"""Flows, as REST and GraphQL both expose them: reads from the flow-engine's read model, changes
through its `change-flow` request (decided on the flow's own log, never on the lagging read
model). A refused change becomes a Problem naming every node, field and rule; one the plan
refuses (a publish over `published_flows`, an AI node without `ai_node`) a 402."""

from __future__ import annotations

from typing import Any, TypeVar

from parley.contracts.flows.queries import (
    FlowDetail,
    FlowPage,
    FlowVersionDetail,
    FlowVersionPage,
    GetFlow,
    GetFlowVersion,
    ListFlows,
    ListFlowVersions,
)
from parley.contracts.flows.requests import ChangeFlow, FlowAction, FlowChangeResult, FlowProblem
from parley.contracts.messages import Query, Reply
from parley.gateway.adapters.services import Services
from parley.gateway.api.problems import FieldProblem, Problem
from parley.gateway.application.plan_refusals import relayed_problem
from parley.gateway.application.service_calls import ask
from parley.runtime.quotas import Quotas

SERVICE = "flow-engine"
R = TypeVar("R", bound=Reply)
# What a refused change is over HTTP.
_STATUS = {
    "FLOW_EXISTS": 409,
    "FLOW_NOT_FOUND": 404,
    "FLOW_ARCHIVED": 409,
    "FLOW_INVALID": 422,
    "NOTHING_TO_PUBLISH": 409,
    "INVALID_REQUEST": 422,
}


def problem_field(problem: FlowProblem) -> str:
    """`nodes.<node id>.<field>` for a node's problem, the field itself for the flow's."""
    return f"nodes.{problem.node_id}.{problem.field}" if problem.node_id else problem.field


class Flows:
    def __init__(self, services: Services, quotas: Quotas | None = None) -> None:
        self._services = services
        self._quotas = quotas  # for the plan that lifts a refused publish

    async def list(
        self, workspace_id: str, *, archived: bool | None, search: str, limit: int, cursor: str
    ) -> FlowPage:
        query = ListFlows(archived=archived, search=search, limit=limit, cursor=cursor)
        return await self._ask("list-flows", workspace_id, query, FlowPage)

    async def get(self, workspace_id: str, flow_id: str) -> FlowDetail:
        return await self._ask(
            "get-flow", workspace_id, GetFlow(flow_id=flow_id), FlowDetail, flow_id
        )

    async def versions(
        self, workspace_id: str, flow_id: str, *, limit: int, cursor: str
    ) -> FlowVersionPage:
        query = ListFlowVersions(flow_id=flow_id, limit=limit, cursor=cursor)
        return await self._ask("list-flow-versions", workspace_id, query, FlowVersionPage, flow_id)

    async def version(self, workspace_id: str, flow_id: str, version: int) -> FlowVersionDetail:
        query = GetFlowVersion(flow_id=flow_id, version=version)
        return await self._ask("get-flow-version", workspace_id, query, FlowVersionDetail, flow_id)

    async def change(
        self,
        workspace_id: str,
        flow_id: str,
        action: FlowAction,
        payload: dict[str, Any] | None = None,
        *,
        allow_invalid: bool = False,
    ) -> FlowChangeResult:
        """Apply a change; a refusal is raised as a Problem, except an invalid graph when
        `allow_invalid` (validate answers its problems rather than failing)."""
        query = ChangeFlow(flow_id=flow_id, action=action, payload=payload or {})
        result = await self._services.ask(
            SERVICE, "change-flow", workspace_id, query, FlowChangeResult
        )
        if result.ok or (allow_invalid and result.code == "FLOW_INVALID"):
            return result
        plan = await relayed_problem(self._quotas, workspace_id, result.code, result.message)
        if plan is not None:
            raise plan
        raise Problem(
            _STATUS.get(result.code, 422),
            result.code or "FLOW_REFUSED",
            result.message or f"the flow {flow_id!r} was not changed",
            errors=[
                FieldProblem(field=problem_field(p), rule=p.rule)
                for p in result.problems
                if p.severity == "error"
            ],
        )

    async def _ask(
        self, name: str, workspace_id: str, query: Query, reply: type[R], flow_id: str = ""
    ) -> R:
        return await ask(
            self._services, SERVICE, name, workspace_id, query, reply, what="flow", ident=flow_id
        )
