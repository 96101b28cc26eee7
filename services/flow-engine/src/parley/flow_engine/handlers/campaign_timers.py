"""A scheduled campaign's timer fires: launch it, checking it again first. If a blocking problem
appeared since it was scheduled, the campaign is paused with the reason instead (resume launches
it once fixed). A stale timer (rescheduled, launched by hand, cancelled) does nothing."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime

from nats.aio.msg import Msg

from parley.contracts.campaigns.commands import LaunchScheduledCampaign
from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import TIMERS
from parley.flow_engine.domain.campaigns.decide import CampaignRefused, Pause
from parley.flow_engine.handlers.campaign_launcher import (
    CampaignBlocked,
    CampaignLauncher,
    CampaignLog,
)
from parley.flow_engine.handlers.consumers import engine_consumer
from parley.runtime import timers
from parley.runtime.logs import get_logger

log = get_logger("parley.flow_engine.campaigns")

# A launch reads the whole audience: give it far longer than an engine step before redelivery.
CONSUMER = engine_consumer(
    TIMERS.name, "campaign-timers", timers.fire_filter("campaign"), lanes=4, ack_wait=120.0
)


class CampaignTimers:
    def __init__(self, log_: CampaignLog, launcher: CampaignLauncher) -> None:
        self._log = log_
        self._launcher = launcher

    async def handle(self, msg: Msg) -> None:
        envelope = Envelope.from_bytes(msg.data)
        timer = registry.decode(envelope)
        if not isinstance(timer, LaunchScheduledCampaign):
            raise TypeError(f"{envelope.type} fired on {msg.subject}")
        ws = envelope.workspace_id
        try:
            await self._launcher.launch(ws, timer.campaign_id, timer, scheduled_for=timer.send_at)
        except CampaignRefused as refused:
            log.info("scheduled launch not needed", campaign_id=timer.campaign_id, why=str(refused))
        except CampaignBlocked as blocked:
            state = await self._log.load(ws, timer.campaign_id)
            if state.status != "scheduled" or state.send_at != timer.send_at:
                return
            reason = "not launched at its scheduled time: " + "; ".join(
                f"{p.code}: {p.message}" for p in blocked.problems
            )
            with suppress(CampaignRefused):
                await self._log.execute(
                    ws,
                    timer.campaign_id,
                    Pause(reason[:1000], "schedule", datetime.now(UTC)),
                    timer,
                )
