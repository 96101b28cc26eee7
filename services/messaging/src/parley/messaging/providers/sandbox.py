"""The built-in sandbox number: messages go to the simulator instead of WhatsApp.

A send is stored for the simulator and accepted with a `wamid.sandbox.*` id; a moment later the
simulated phone reports it delivered, through INGRESS like any webhook. So a new user can talk
to their bot, and watch statuses move, without Meta credentials.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client as NatsClient

from parley.contracts.ids import new_id
from parley.messaging.adapters.ingress import publish_webhook
from parley.messaging.adapters.sandbox_store import SandboxStore
from parley.messaging.adapters.secrets import SecretBox
from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.domain.sandbox_webhooks import status_body
from parley.messaging.providers.base import Accepted, SendResult

SANDBOX_WABA = "sandbox"


class SandboxProvider:
    def __init__(self, nc: NatsClient, store: SandboxStore, box: SecretBox) -> None:
        self._nc = nc
        self._store = store
        self._box = box

    async def send(self, channel: ChannelRecord, token: str, body: dict[str, Any]) -> SendResult:
        del token  # the sandbox needs no credentials
        message_id = f"wamid.sandbox.{new_id().hex}"
        recipient = str(body.get("to") or body.get("recipient") or "")
        content = {k: v for k, v in body.items() if k not in ("messaging_product", "to")}
        await self._store.add(
            workspace_id=channel.workspace_id,
            channel_id=channel.channel_id,
            phone=recipient.lstrip("+"),
            message_id=message_id,
            direction="outbound",
            content=content,
            at=datetime.now(UTC),
        )
        delivered = status_body(
            phone_number_id=channel.view.phone_number_id,
            display_phone_number=channel.view.display_phone_number,
            waba_id=SANDBOX_WABA,
            message_id=message_id,
            recipient=recipient.lstrip("+"),
            status="delivered",
            timestamp=int(time.time()),
        )
        app_secret = self._box.open(channel.sealed["app_secret"])
        js = self._nc.jetstream()
        route = channel.channel_id
        await publish_webhook(js, route, delivered, app_secret, f"{message_id}:delivered")
        return Accepted(message_id)
