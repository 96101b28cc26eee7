"""`/api/v1/workspaces/{workspace_id}/campaigns`: a template sent, or a flow started, for every
contact of a segment; created and edited as drafts, checked by a dry run, then launched now or
scheduled, and paused, resumed or cancelled while it sends."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from parley.contracts.campaigns.campaigns import CampaignDefinition, CampaignStatus, CampaignView
from parley.contracts.campaigns.queries import (
    CampaignAction,
    CampaignChangeResult,
    CampaignPage,
    DryRunReport,
)
from parley.contracts.ids import new_id
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import CampaignsApi

router = APIRouter(prefix="/workspaces/{workspace_id}/campaigns", tags=["campaigns"])

Readers = Annotated[WorkspaceScope, Depends(require("campaigns:read"))]
Writers = Annotated[WorkspaceScope, Depends(require("campaigns:write"))]
Launchers = Annotated[WorkspaceScope, Depends(require("campaigns:launch"))]
# As the contract's CampaignIdField: `cmp-...` or `cmp_...`.
CAMPAIGN_ID = r"^cmp[-_][A-Za-z0-9_\-]+$"
CampaignIdPath = Annotated[str, Path(min_length=5, max_length=64, pattern=CAMPAIGN_ID)]


class NewCampaign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    campaign_id: str | None = Field(default=None, min_length=5, max_length=64, pattern=CAMPAIGN_ID)
    definition: CampaignDefinition


class DefinitionChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    definition: CampaignDefinition


class DryRun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    definition: CampaignDefinition | None = None  # the stored one when not given


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    send_at: AwareDatetime


@router.get("", summary="Campaigns, most recently changed first")
async def list_campaigns(
    scope: Readers,
    campaigns: CampaignsApi,
    status: Annotated[CampaignStatus | None, Query(description="only those in this state")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 25,
    cursor: Annotated[str, Query(max_length=512, description="the last page's next_cursor")] = "",
) -> CampaignPage:
    return await campaigns.list(scope.workspace_id, status=status, limit=limit, cursor=cursor)


@router.post("", status_code=201, summary="Create a campaign as a draft")
async def create_campaign(
    scope: Writers, campaigns: CampaignsApi, body: NewCampaign
) -> CampaignChangeResult:
    campaign_id = body.campaign_id or f"cmp_{new_id().hex[-12:]}"
    return await campaigns.change(
        scope.workspace_id, campaign_id, "create", definition=body.definition, by=scope.actor
    )


@router.get("/{campaign_id}", summary="A campaign with its live stats")
async def get_campaign(
    scope: Readers, campaigns: CampaignsApi, campaign_id: CampaignIdPath
) -> CampaignView:
    return await campaigns.get(scope.workspace_id, campaign_id)


@router.put("/{campaign_id}", summary="Replace the definition (draft or scheduled only)")
async def update_campaign(
    scope: Writers, campaigns: CampaignsApi, campaign_id: CampaignIdPath, body: DefinitionChange
) -> CampaignChangeResult:
    return await campaigns.change(
        scope.workspace_id, campaign_id, "update", definition=body.definition, by=scope.actor
    )


@router.post(
    "/{campaign_id}/dry-run",
    summary="What a launch would meet now: audience, exclusions, problems, tier, duration",
)
async def dry_run_campaign(
    scope: Readers, campaigns: CampaignsApi, campaign_id: CampaignIdPath, body: DryRun
) -> DryRunReport:
    return await campaigns.dry_run(scope.workspace_id, campaign_id, body.definition)


async def _act(
    scope: WorkspaceScope,
    campaigns: CampaignsApi,
    campaign_id: str,
    action: CampaignAction,
    send_at: datetime | None = None,
) -> CampaignChangeResult:
    return await campaigns.change(
        scope.workspace_id, campaign_id, action, send_at=send_at, by=scope.actor
    )


@router.post("/{campaign_id}/launch", summary="Start sending now (refused while a problem blocks)")
async def launch_campaign(
    scope: Launchers, campaigns: CampaignsApi, campaign_id: CampaignIdPath
) -> CampaignChangeResult:
    return await _act(scope, campaigns, campaign_id, "launch")


@router.post("/{campaign_id}/schedule", summary="Start sending at a time (checked then again)")
async def schedule_campaign(
    scope: Launchers, campaigns: CampaignsApi, campaign_id: CampaignIdPath, body: Schedule
) -> CampaignChangeResult:
    return await _act(scope, campaigns, campaign_id, "schedule", body.send_at)


@router.post("/{campaign_id}/pause", summary="Stop sending for now")
async def pause_campaign(
    scope: Writers, campaigns: CampaignsApi, campaign_id: CampaignIdPath
) -> CampaignChangeResult:
    return await _act(scope, campaigns, campaign_id, "pause")


@router.post("/{campaign_id}/resume", summary="Send the rest")
async def resume_campaign(
    scope: Launchers, campaigns: CampaignsApi, campaign_id: CampaignIdPath
) -> CampaignChangeResult:
    return await _act(scope, campaigns, campaign_id, "resume")


@router.post("/{campaign_id}/cancel", summary="Stop for good: no further sends")
async def cancel_campaign(
    scope: Writers, campaigns: CampaignsApi, campaign_id: CampaignIdPath
) -> CampaignChangeResult:
    return await _act(scope, campaigns, campaign_id, "cancel")
