"""Events of a campaign, on `campaign.evt.<ws>.<campaign_id>`."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from parley.contracts.campaigns.campaigns import CampaignDefinition
from parley.contracts.messages import Event


class CampaignCreated(Event, wire_name="campaign.CampaignCreated", version=1):
    campaign_id: str
    definition: CampaignDefinition
    at: datetime


class CampaignUpdated(Event, wire_name="campaign.CampaignUpdated", version=1):
    """A draft (or scheduled) campaign's definition replaced."""

    campaign_id: str
    definition: CampaignDefinition
    at: datetime


class CampaignScheduled(Event, wire_name="campaign.CampaignScheduled", version=1):
    campaign_id: str
    send_at: datetime
    at: datetime


class CampaignLaunched(Event, wire_name="campaign.CampaignLaunched", version=1):
    """The audience was fixed: `targeted` contacts will be sent to, at `rate_per_second`."""

    campaign_id: str
    targeted: int = Field(ge=0)
    excluded_without_opt_in: int = Field(default=0, ge=0)
    excluded_opted_out: int = Field(default=0, ge=0)
    rate_per_second: float = Field(gt=0)
    channel_id: str
    at: datetime


class CampaignPaused(Event, wire_name="campaign.CampaignPaused", version=1):
    campaign_id: str
    reason: str = ""
    by: str = ""
    at: datetime


class CampaignResumed(Event, wire_name="campaign.CampaignResumed", version=1):
    campaign_id: str
    by: str = ""
    at: datetime


class CampaignCancelled(Event, wire_name="campaign.CampaignCancelled", version=1):
    campaign_id: str
    by: str = ""
    at: datetime


class CampaignCompleted(Event, wire_name="campaign.CampaignCompleted", version=1):
    """Every targeted contact was handed to messaging (their statuses may still come in)."""

    campaign_id: str
    dispatched: int = Field(ge=0)
    at: datetime
