"""The sandbox simulator's requests: write as a customer, read the conversation."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.ids import contact_id_for, new_id
from parley.contracts.messaging.sandbox import (
    SandboxConversation,
    SandboxConversationPage,
    SandboxSend,
    SandboxSent,
)
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.adapters.ingress import publish_webhook
from parley.messaging.adapters.sandbox_store import SandboxStore
from parley.messaging.adapters.secrets import SecretBox
from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.domain.sandbox_webhooks import inbound_body
from parley.messaging.providers.sandbox import SANDBOX_WABA
from parley.runtime.queries import QueryRefused


class SandboxRequests:
    def __init__(
        self, nc: NatsClient, channels: ChannelStore, store: SandboxStore, box: SecretBox
    ) -> None:
        self._nc = nc
        self._channels = channels
        self._store = store
        self._box = box

    async def _sandbox(self, workspace_id: str, channel_id: str) -> ChannelRecord:
        channel = await self._channels.get(workspace_id, channel_id)
        if channel is None or channel.view.provider != "sandbox":
            raise QueryRefused("404", f"channel_id: no sandbox channel {channel_id!r}")
        if channel.view.status == "disconnected":
            raise QueryRefused("409", f"channel_id: the sandbox {channel_id!r} is disconnected")
        return channel

    async def send(self, workspace_id: str, request: SandboxSend) -> SandboxSent:
        channel = await self._sandbox(workspace_id, request.channel_id)
        phone = request.phone.lstrip("+")
        message_id = f"wamid.sandbox.in.{new_id().hex}"
        body = inbound_body(
            phone_number_id=channel.view.phone_number_id,
            display_phone_number=channel.view.display_phone_number,
            waba_id=SANDBOX_WABA,
            wa_id=phone,
            profile_name=request.profile_name,
            message_id=message_id,
            timestamp=int(time.time()),
            kind=request.message_type,
            text=request.text,
            reply_id=request.reply_id,
        )
        content = {"type": request.message_type, "text": request.text, "reply_id": request.reply_id}
        await self._store.add(
            workspace_id=workspace_id,
            channel_id=channel.channel_id,
            phone=phone,
            message_id=message_id,
            direction="inbound",
            content=content,
            at=datetime.now(UTC),
        )
        app_secret = self._box.open(channel.sealed["app_secret"])
        js = self._nc.jetstream()
        await publish_webhook(js, channel.channel_id, body, app_secret, message_id)
        return SandboxSent(message_id=message_id, contact_id=contact_id_for(workspace_id, phone))

    async def conversation(
        self, workspace_id: str, request: SandboxConversation
    ) -> SandboxConversationPage:
        channel = await self._sandbox(workspace_id, request.channel_id)
        messages, next_after = await self._store.page(
            workspace_id,
            channel.channel_id,
            request.phone.lstrip("+"),
            request.after,
            request.limit,
        )
        return SandboxConversationPage(messages=tuple(messages), next_after=next_after)
