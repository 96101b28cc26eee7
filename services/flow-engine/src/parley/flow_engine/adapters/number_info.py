"""The number a campaign sends from, as messaging knows it: status, pace, tier and health."""

from __future__ import annotations

from nats.aio.client import Client as NatsClient

from parley.contracts.messaging.channels import (
    ChannelList,
    ChannelView,
    GetNumberHealth,
    ListChannels,
    NumberHealthReport,
)
from parley.flow_engine.adapters.service_queries import ask


class NumberInfo:
    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc

    async def channel(self, workspace_id: str, channel_id: str) -> ChannelView | None:
        """The named number, or (with "") the workspace's first active one, as messaging
        picks it for a send that names none."""
        listed = await ask(
            self._nc, "messaging", "list-channels", workspace_id, ListChannels(), ChannelList
        )
        if channel_id:
            return next((c for c in listed.channels if c.channel_id == channel_id), None)
        active = [c for c in listed.channels if c.status == "active"]
        return active[0] if active else (listed.channels[0] if listed.channels else None)

    async def health(self, workspace_id: str, channel_id: str) -> NumberHealthReport:
        query = GetNumberHealth(channel_id=channel_id)
        return await ask(
            self._nc, "messaging", "number-health", workspace_id, query, NumberHealthReport
        )
