"""Campaigns, answered by the flow engine (`change-campaign`, `dry-run-campaign`,
`get-campaign`, `list-campaigns`): decided on the campaign's own log, read from its read model.

A launch or schedule the dry run blocks is refused with 409 CAMPAIGN_BLOCKED, each blocking
problem named (its field, or its code when it concerns no field, and what to do). One the plan
refuses (PLAN_LIMIT_REACHED, PLAN_FEATURE_MISSING) is a 402 naming the plan that lifts it.
"""

from __future__ import annotations

from datetime import datetime

from parley.contracts.campaigns.campaigns import CampaignDefinition, CampaignStatus, CampaignView
from parley.contracts.campaigns.queries import (
    CampaignAction,
    CampaignChangeResult,
    CampaignPage,
    CampaignReply,
    ChangeCampaign,
    DryRunCampaign,
    DryRunReport,
    DryRunResult,
    GetCampaign,
    ListCampaigns,
)
from parley.gateway.adapters.services import Services
from parley.gateway.application.crm_calls import checked, refused
from parley.gateway.application.plan_refusals import relayed_problem
from parley.gateway.application.service_calls import ask
from parley.runtime.quotas import Quotas

SERVICE = "flow-engine"
_STATUS = {
    "CAMPAIGN_INVALID": 422,
    "CAMPAIGN_EXISTS": 409,
    "CAMPAIGN_NOT_FOUND": 404,
    "CAMPAIGN_BLOCKED": 409,
    "CAMPAIGN_STATE": 409,
}


class Campaigns:
    def __init__(self, services: Services, quotas: Quotas | None = None) -> None:
        self._services = services
        self._quotas = quotas  # for the plan that lifts a refused launch or schedule

    async def list(
        self, workspace_id: str, *, status: CampaignStatus | None, limit: int, cursor: str
    ) -> CampaignPage:
        query = checked(ListCampaigns, status=status, limit=limit, cursor=cursor)
        return await ask(
            self._services,
            SERVICE,
            "list-campaigns",
            workspace_id,
            query,
            CampaignPage,
            what="campaigns",
            ident="",
        )

    async def get(self, workspace_id: str, campaign_id: str) -> CampaignView:
        found = await ask(
            self._services,
            SERVICE,
            "get-campaign",
            workspace_id,
            checked(GetCampaign, campaign_id=campaign_id),
            CampaignReply,
            what="campaign",
            ident=campaign_id,
        )
        return found.campaign

    async def dry_run(
        self, workspace_id: str, campaign_id: str, definition: CampaignDefinition | None = None
    ) -> DryRunReport:
        """What a launch would meet now: of the stored campaign, or of `definition`."""
        query = checked(DryRunCampaign, campaign_id=campaign_id, definition=definition)
        found = await ask(
            self._services,
            SERVICE,
            "dry-run-campaign",
            workspace_id,
            query,
            DryRunResult,
            what="campaign",
            ident=campaign_id,
        )
        return found.report

    async def change(
        self,
        workspace_id: str,
        campaign_id: str,
        action: CampaignAction,
        *,
        definition: CampaignDefinition | None = None,
        send_at: datetime | None = None,
        by: str = "",
    ) -> CampaignChangeResult:
        change = checked(
            ChangeCampaign,
            campaign_id=campaign_id,
            action=action,
            definition=definition,
            send_at=send_at,
            by=by,
        )
        result = await ask(
            self._services,
            SERVICE,
            "change-campaign",
            workspace_id,
            change,
            CampaignChangeResult,
            what="campaign",
            ident=campaign_id,
        )
        if result.ok:
            return result
        plan = await relayed_problem(self._quotas, workspace_id, result.code, result.message)
        if plan is not None:
            raise plan  # over `active_campaigns`, or `messages_sent` for the audience
        problems = [p for p in result.problems if p.blocking] or list(result.problems)
        raise refused(
            result.code,
            result.message,
            ((p.field or p.code, f"{p.code}: {p.message}") for p in problems),
            _STATUS,
            fallback=f"the campaign {campaign_id!r} was not changed ({action})",
        )
