"""Pausing a number WhatsApp refused at the account level (368, 131031, auth errors).

The channel is marked paused in the store (every replica sees it within the store's cache
time) and NumberPaused is announced once per pause, whatever number of sends hit the error.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.messaging.channels import NumberPaused
from parley.contracts.subjects import event_subject
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.metrics import MessagingMetrics
from parley.runtime.logs import get_logger

log = get_logger("parley.messaging.pauses")


class NumberPauses:
    def __init__(
        self, nc: NatsClient, channels: ChannelStore, metrics: MessagingMetrics | None = None
    ) -> None:
        self._nc = nc
        self._channels = channels
        self._metrics = metrics

    async def pause(
        self, cause: Envelope | None, channel: ChannelRecord, code: str, reason: str, remedy: str
    ) -> None:
        current = await self._channels.get(channel.workspace_id, channel.channel_id)
        if current is None or current.view.status != "active":
            return  # already paused (by another send) or gone
        view = current.view.model_copy(
            update={
                "status": "paused",
                "paused_code": code,
                "paused_reason": reason,
                "paused_remedy": remedy,
            }
        )
        await self._channels.put(current.model_copy(update={"view": view}))
        event = NumberPaused(channel_id=channel.channel_id, code=code, reason=reason, remedy=remedy)
        subject = event_subject("messaging", channel.workspace_id, channel.channel_id)
        envelope = (
            cause.caused(event)
            if cause is not None
            else Envelope.wrap(event, workspace_id=channel.workspace_id)
        )
        await self._nc.jetstream().publish(subject, envelope.to_bytes())
        if self._metrics is not None:
            self._metrics.numbers_paused.labels(code).inc()
        log.warning(
            "number paused",
            workspace_id=channel.workspace_id,
            channel_id=channel.channel_id,
            code=code,
            reason=reason,
        )
