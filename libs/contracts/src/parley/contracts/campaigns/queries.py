"""Campaigns over NATS request/reply, on `parley.q.flow-engine.<name>`: change-campaign,
dry-run-campaign, get-campaign, list-campaigns."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.campaigns.campaigns import (
    CampaignDefinition,
    CampaignIdField,
    CampaignStatus,
    CampaignView,
)
from parley.contracts.messages import Query, Reply

CampaignAction = Literal[
    "create",  # definition
    "update",  # definition (draft or scheduled only)
    "launch",  # now; refused while the dry run reports a blocking problem
    "schedule",  # send_at; the same checks as launch, again at that time
    "pause",
    "resume",
    "cancel",
]


class CampaignProblem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    # NO_AUDIENCE, NO_CHANNEL, CHANNEL_PAUSED, TEMPLATE_INVALID, TEMPLATE_FIELD_MISSING,
    # FLOW_NOT_PUBLISHED, FLOW_NO_CAMPAIGN_TRIGGER, OUTSIDE_WINDOW, TIER_EXCEEDED,
    # WITHOUT_OPT_IN, NUMBER_HEALTH_LOW
    code: str
    message: str
    blocking: bool
    field: str = ""
    count: int | None = None  # how many contacts it concerns, when it concerns some


class DryRunReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    audience: int  # matching contacts, before exclusions
    will_send: int  # after exclusions
    excluded_without_opt_in: int
    excluded_opted_out: int
    outside_window: int  # recipients more than 24 h since they wrote (only templates reach them)
    problems: tuple[CampaignProblem, ...]
    channel_id: str
    tier: str  # the number's messaging tier, e.g. TIER_1K
    tier_limit: int | None  # unique business-initiated recipients per 24 h; None: unlimited
    tier_used: int  # in the last 24 h
    tier_after: int  # tier_used + the business-initiated recipients this campaign adds
    rate_per_second: float
    expected_duration_seconds: float
    evaluated_at: datetime

    @property
    def blocking(self) -> tuple[CampaignProblem, ...]:
        return tuple(p for p in self.problems if p.blocking)


class ChangeCampaign(Query, wire_name="campaign.ChangeCampaign", version=1):
    campaign_id: str = CampaignIdField
    action: CampaignAction
    definition: CampaignDefinition | None = None
    send_at: datetime | None = None
    by: str = Field(default="", max_length=200)


class CampaignChangeResult(Reply, wire_name="campaign.CampaignChangeResult", version=1):
    ok: bool
    campaign_id: str
    # CAMPAIGN_INVALID, CAMPAIGN_EXISTS, CAMPAIGN_NOT_FOUND, CAMPAIGN_BLOCKED, CAMPAIGN_STATE
    code: str = ""
    message: str = ""
    problems: tuple[CampaignProblem, ...] = ()
    campaign: CampaignView | None = None
    dry_run: DryRunReport | None = None  # with launch and schedule, what was checked


class DryRunCampaign(Query, wire_name="campaign.DryRunCampaign", version=1):
    """Checks the stored campaign, or `definition` when given (before it is saved)."""

    campaign_id: str = CampaignIdField
    definition: CampaignDefinition | None = None


class DryRunResult(Reply, wire_name="campaign.DryRunResult", version=1):
    report: DryRunReport


class GetCampaign(Query, wire_name="campaign.GetCampaign", version=1):
    campaign_id: str = CampaignIdField


class CampaignReply(Reply, wire_name="campaign.CampaignReply", version=1):
    campaign: CampaignView


class ListCampaigns(Query, wire_name="campaign.ListCampaigns", version=1):
    status: CampaignStatus | None = None
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str = Field(default="", max_length=512)


class CampaignPage(Reply, wire_name="campaign.CampaignPage", version=1):
    items: tuple[CampaignView, ...]
    next_cursor: str | None = None
