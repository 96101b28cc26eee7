"""What the plan allows a campaign: one more active campaign, and messages this period.

`active_campaigns` counts the workspace's scheduled, running and paused campaigns besides the
one asked about, so launching a campaign that already counts (a scheduled one launched by hand
or at its time) is refused only when the others alone fill the plan (it was downgraded since).
The messages the plan still admits are read from messaging's admission counter, the one it
refuses sends on, so the dry run warns of exactly the refusals to come.
"""

from __future__ import annotations

from parley.contracts.billing.entitlements import (
    ACTIVE_CAMPAIGNS,
    LIMIT_CODE,
    MESSAGES_SENT,
    limit_refusal,
)
from parley.contracts.campaigns.queries import CampaignProblem
from parley.flow_engine.adapters.plan_counts import PlanCounts
from parley.flow_engine.domain.campaigns.dry_run import PlanFacts
from parley.runtime.quotas import Quotas, standing_refusal


class CampaignPlan:
    def __init__(self, quotas: Quotas, counts: PlanCounts) -> None:
        self._quotas = quotas
        self._counts = counts

    async def refusal(self, workspace_id: str, campaign_id: str) -> CampaignProblem | None:
        """The blocking PLAN_LIMIT_REACHED problem when one more active campaign is too many."""
        words = (await self.facts(workspace_id, campaign_id, messages=False)).campaigns_refused
        if not words:
            return None
        return CampaignProblem(code=LIMIT_CODE, message=words, blocking=True)

    async def facts(
        self, workspace_id: str, campaign_id: str, *, messages: bool = True
    ) -> PlanFacts:
        entitlements = await self._quotas.entitlements(workspace_id)
        if entitlements is None:
            return PlanFacts()
        refused = ""
        if entitlements.limit(ACTIVE_CAMPAIGNS) is not None:
            others = await self._counts.active_campaigns(workspace_id, besides=campaign_id)
            limit = standing_refusal(entitlements, ACTIVE_CAMPAIGNS, others)
            refused = limit.message if limit else ""
        cap = entitlements.limit(MESSAGES_SENT)
        if not messages or cap is None:
            return PlanFacts(campaigns_refused=refused)
        used = await self._quotas.used(entitlements, workspace_id, MESSAGES_SENT)
        detail, remedy = limit_refusal(entitlements, MESSAGES_SENT, used, this_period=True)
        return PlanFacts(
            campaigns_refused=refused, messages_left=cap - used, messages_why=f"{detail}. {remedy}"
        )
