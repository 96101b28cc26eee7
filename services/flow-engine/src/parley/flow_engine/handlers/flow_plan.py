"""What the plan allows a flow change: publishing or unarchiving may make one more flow live.

A flow counts against `published_flows` while it has a published version and is not archived.
Publishing a flow for the first time, or unarchiving a published one, adds one; publishing a
new version of a live flow adds nothing. A draft with an `ai_answer` node is published only
on a plan with the `ai_node` feature. Flows already live when a plan changes keep running:
limits apply to the action, not to what exists.
"""

from __future__ import annotations

from parley.contracts.billing.entitlements import AI_NODE, PUBLISHED_FLOWS
from parley.contracts.flows.nodes import AiAnswerNode
from parley.flow_engine.adapters.plan_counts import PlanCounts
from parley.flow_engine.domain.flow import Flow, FlowRefused
from parley.flow_engine.domain.validation import Problem
from parley.runtime.quotas import LimitReached, Quotas, standing_refusal


def refused(limit: LimitReached, problems: tuple[Problem, ...] = ()) -> FlowRefused:
    return FlowRefused(limit.code, limit.message, problems)


class FlowPlan:
    def __init__(self, quotas: Quotas, counts: PlanCounts) -> None:
        self._quotas = quotas
        self._counts = counts

    async def check_publish(self, workspace_id: str, flow: Flow) -> None:
        """Raise FlowRefused when the plan does not allow publishing `flow`'s draft."""
        ai_nodes = tuple(n.id for n in flow.draft.nodes if isinstance(n, AiAnswerNode))
        if ai_nodes:
            missing = await self._quotas.feature_refusal(workspace_id, AI_NODE)
            if missing is not None:
                rule = missing.message
                raise refused(missing, tuple(Problem(n, "type", rule) for n in ai_nodes))
        if flow.latest_version == 0:
            await self._check_one_more(workspace_id, flow.flow_id)

    async def check_unarchive(self, workspace_id: str, flow: Flow) -> None:
        if flow.archived and flow.latest_version > 0:
            await self._check_one_more(workspace_id, flow.flow_id)

    async def _check_one_more(self, workspace_id: str, flow_id: str) -> None:
        entitlements = await self._quotas.entitlements(workspace_id)
        if entitlements is None or entitlements.limit(PUBLISHED_FLOWS) is None:
            return  # no plan written, or no limit on flows: nothing to count
        live = await self._counts.published_flows(workspace_id, besides=flow_id)
        limit = standing_refusal(entitlements, PUBLISHED_FLOWS, live)
        if limit is not None:
            raise refused(limit)
