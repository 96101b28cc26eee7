"""The GraphQL fields of campaigns (merged into the schema's Query and Mutation by `schema.py`),
over the same application calls, request models and permissions as the REST routes."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from parley.contracts.campaigns.queries import CampaignAction, ListCampaigns
from parley.contracts.ids import new_id
from parley.gateway.api.deps import campaigns_of
from parley.gateway.api.routes import campaigns as rest_campaigns
from parley.gateway.graphql.campaign_types import (
    Campaign,
    CampaignChangeResult,
    CampaignPage,
    DryRunReport,
)
from parley.gateway.graphql.context import Info, actor, field, mutation, needs
from parley.gateway.graphql.types import ID


async def _act(
    info: Info,
    workspace_id: str,
    campaign_id: str,
    action: CampaignAction,
    send_at: datetime | None = None,
) -> CampaignChangeResult:
    by = actor(await info.context.caller())
    campaigns = campaigns_of(info.context.gateway)
    result = await campaigns.change(workspace_id, campaign_id, action, send_at=send_at, by=by)
    return CampaignChangeResult.of(result)


@strawberry.type
class Query:
    @field(description="Campaigns, most recently changed first.")
    @needs("campaigns:read")
    async def campaigns(
        self,
        info: Info,
        workspace_id: ID,
        status: str | None = None,
        limit: int = 25,
        cursor: str = "",
    ) -> CampaignPage:
        query = ListCampaigns.model_validate({"status": status, "limit": limit, "cursor": cursor})
        page = await campaigns_of(info.context.gateway).list(
            workspace_id, status=query.status, limit=query.limit, cursor=query.cursor
        )
        return CampaignPage.of(page)

    @field(description="A campaign with its live stats.")
    @needs("campaigns:read")
    async def campaign(self, info: Info, workspace_id: ID, campaign_id: ID) -> Campaign:
        return Campaign.of(await campaigns_of(info.context.gateway).get(workspace_id, campaign_id))

    @field(description="What a launch would meet now (of the stored campaign, or `definition`).")
    @needs("campaigns:read")
    async def campaign_dry_run(
        self, info: Info, workspace_id: ID, campaign_id: ID, definition: JSON | None = None
    ) -> DryRunReport:
        body = rest_campaigns.DryRun.model_validate({"definition": definition})
        campaigns = campaigns_of(info.context.gateway)
        return DryRunReport.of(await campaigns.dry_run(workspace_id, campaign_id, body.definition))


@strawberry.type
class Mutation:
    @mutation(description="Create a campaign as a draft (a CampaignDefinition).")
    @needs("campaigns:write")
    async def create_campaign(
        self, info: Info, workspace_id: ID, definition: JSON, campaign_id: ID | None = None
    ) -> CampaignChangeResult:
        body = rest_campaigns.NewCampaign.model_validate(
            {"campaign_id": campaign_id, "definition": definition}
        )
        new_campaign_id = body.campaign_id or f"cmp_{new_id().hex[-12:]}"
        by = actor(await info.context.caller())
        result = await campaigns_of(info.context.gateway).change(
            workspace_id, new_campaign_id, "create", definition=body.definition, by=by
        )
        return CampaignChangeResult.of(result)

    @mutation(description="Replace a campaign's definition (draft or scheduled only).")
    @needs("campaigns:write")
    async def update_campaign(
        self, info: Info, workspace_id: ID, campaign_id: ID, definition: JSON
    ) -> CampaignChangeResult:
        body = rest_campaigns.DefinitionChange.model_validate({"definition": definition})
        by = actor(await info.context.caller())
        result = await campaigns_of(info.context.gateway).change(
            workspace_id, campaign_id, "update", definition=body.definition, by=by
        )
        return CampaignChangeResult.of(result)

    @mutation(description="Start sending now (refused while a problem blocks, naming it).")
    @needs("campaigns:launch")
    async def launch_campaign(
        self, info: Info, workspace_id: ID, campaign_id: ID
    ) -> CampaignChangeResult:
        return await _act(info, workspace_id, campaign_id, "launch")

    @mutation(description="Start sending at a time (checked then again).")
    @needs("campaigns:launch")
    async def schedule_campaign(
        self, info: Info, workspace_id: ID, campaign_id: ID, send_at: datetime
    ) -> CampaignChangeResult:
        body = rest_campaigns.Schedule.model_validate({"send_at": send_at})
        return await _act(info, workspace_id, campaign_id, "schedule", body.send_at)

    @mutation(description="Stop sending for now.")
    @needs("campaigns:write")
    async def pause_campaign(
        self, info: Info, workspace_id: ID, campaign_id: ID
    ) -> CampaignChangeResult:
        return await _act(info, workspace_id, campaign_id, "pause")

    @mutation(description="Send the rest.")
    @needs("campaigns:launch")
    async def resume_campaign(
        self, info: Info, workspace_id: ID, campaign_id: ID
    ) -> CampaignChangeResult:
        return await _act(info, workspace_id, campaign_id, "resume")

    @mutation(description="Stop for good: no further sends.")
    @needs("campaigns:write")
    async def cancel_campaign(
        self, info: Info, workspace_id: ID, campaign_id: ID
    ) -> CampaignChangeResult:
        return await _act(info, workspace_id, campaign_id, "cancel")
