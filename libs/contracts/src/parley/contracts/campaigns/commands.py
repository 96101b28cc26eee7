"""Commands of the flow engine to itself about campaigns."""

from __future__ import annotations

from datetime import datetime

from parley.contracts.messages import Command


class LaunchScheduledCampaign(Command, wire_name="campaign.LaunchScheduledCampaign", version=1):
    """What a campaign's durable timer delivers at `send_at`. A timer whose `send_at` no longer
    matches the campaign's schedule (rescheduled, launched by hand, cancelled) does nothing."""

    campaign_id: str
    send_at: datetime
