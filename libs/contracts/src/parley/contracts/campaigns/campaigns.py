"""Campaigns: a template sent, or a flow started, for every contact of a segment.

A campaign is an event-sourced aggregate of the flow engine on `campaign.evt.<ws>.<campaign_id>`.
Its sends are messaging SendMessage commands with the deterministic id
`<campaign_id>:<contact_id>` (one message per contact per campaign, whatever is redelivered),
paced below the number's own limit so the campaign never crowds out the bots' replies.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.contracts.crm.segments import SegmentFilter

# The "cmp-" (or "cmp_") prefix lets every consumer of messaging's statuses tell a campaign's
# send (`cmp-…:<contact_id>`) from a flow's without a lookup.
CAMPAIGN_ID_PREFIXES = ("cmp-", "cmp_")
CampaignIdField = Field(min_length=5, max_length=64, pattern=r"^cmp[-_][A-Za-z0-9_\-]+$")
CampaignStatus = Literal["draft", "scheduled", "running", "paused", "completed", "cancelled"]
CampaignKind = Literal["template", "flow"]


class CampaignDefinition(BaseModel):
    """What to send to whom. Exactly one of `segment_id` and `filter` names the audience;
    `template` (a template message as a flow's send_message takes it) goes with kind template,
    `flow_id` (a published flow with a campaign trigger) with kind flow."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    kind: CampaignKind
    segment_id: str = Field(default="", max_length=64)
    filter: SegmentFilter | None = None
    template: dict[str, Any] | None = None
    flow_id: str = Field(default="", max_length=64)
    channel_id: str = Field(default="", max_length=64)  # "" the workspace's first active number
    # Contacts without opt-in evidence are excluded unless this is set (they may still have
    # consented outside Parley; the user says so, knowingly).
    include_without_opt_in: bool = False
    # A cap below the number's own limit, in messages per second; 0: 90% of the number's.
    max_per_second: float = Field(default=0, ge=0, le=1000)

    @model_validator(mode="after")
    def _consistent(self) -> CampaignDefinition:
        if bool(self.segment_id) == (self.filter is not None):
            raise ValueError("segment_id: give exactly one of segment_id and filter")
        if self.kind == "template" and self.template is None:
            raise ValueError("template: required for a template campaign")
        if self.kind == "flow" and not self.flow_id:
            raise ValueError("flow_id: required for a flow campaign")
        return self


class CampaignStats(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    targeted: int = 0  # the audience at launch, after exclusions
    excluded_without_opt_in: int = 0
    excluded_opted_out: int = 0
    sent: int = 0
    delivered: int = 0
    read: int = 0
    replied: int = 0
    failed: int = 0
    failed_by_reason: dict[str, int] = Field(default_factory=dict)  # error code -> count
    limited_by_meta: int = 0  # refused for throughput, pair rate or the messaging tier
    opted_out: int = 0  # opted out after the campaign reached them, or while it ran
    pending: int = 0  # targeted, not yet handed to messaging


class CampaignView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    campaign_id: str
    definition: CampaignDefinition
    status: CampaignStatus
    scheduled_at: datetime | None = None
    launched_at: datetime | None = None
    finished_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    stats: CampaignStats = Field(default_factory=CampaignStats)
    rate_per_second: float = 0  # the pace it sends at, once running
    paused_reason: str = ""  # why it is paused (a person, or a check that failed at launch)
