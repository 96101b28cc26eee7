"""A campaign's state, folded from its events. `evolve` never validates: `decide` did."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from parley.contracts.campaigns.campaigns import CampaignDefinition, CampaignStatus
from parley.contracts.campaigns.events import (
    CampaignCancelled,
    CampaignCompleted,
    CampaignCreated,
    CampaignLaunched,
    CampaignPaused,
    CampaignResumed,
    CampaignScheduled,
    CampaignUpdated,
)
from parley.contracts.messages import Message


@dataclass(frozen=True)
class Campaign:
    campaign_id: str = ""
    definition: CampaignDefinition | None = None
    status: CampaignStatus = "draft"
    send_at: datetime | None = None
    launched_at: datetime | None = None
    finished_at: datetime | None = None
    rate_per_second: float = 0
    channel_id: str = ""
    paused_reason: str = ""
    targeted: int = 0
    excluded_without_opt_in: int = 0
    excluded_opted_out: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.definition is not None

    @property
    def launched(self) -> bool:
        """Its audience is fixed (it ran, or runs, or was paused while running)."""
        return self.launched_at is not None


def evolve(state: Campaign, event: Message) -> Campaign:
    at = getattr(event, "at", None)
    return replace(_evolve(state, event), updated_at=at) if at is not None else state


def _evolve(state: Campaign, event: Message) -> Campaign:
    if isinstance(event, CampaignCreated):
        return Campaign(
            campaign_id=event.campaign_id, definition=event.definition, created_at=event.at
        )
    if isinstance(event, CampaignUpdated):
        return replace(state, definition=event.definition)
    if isinstance(event, CampaignScheduled):
        return replace(state, status="scheduled", send_at=event.send_at, paused_reason="")
    if isinstance(event, CampaignLaunched):
        return replace(
            state,
            status="running",
            launched_at=event.at,
            rate_per_second=event.rate_per_second,
            channel_id=event.channel_id,
            targeted=event.targeted,
            excluded_without_opt_in=event.excluded_without_opt_in,
            excluded_opted_out=event.excluded_opted_out,
            send_at=None,
            paused_reason="",
        )
    if isinstance(event, CampaignPaused):
        return replace(state, status="paused", send_at=None, paused_reason=event.reason)
    if isinstance(event, CampaignResumed):
        return replace(state, status="running", paused_reason="")
    if isinstance(event, CampaignCancelled):
        return replace(state, status="cancelled", finished_at=event.at, send_at=None)
    if isinstance(event, CampaignCompleted):
        return replace(state, status="completed", finished_at=event.at)
    return state
