"""Whose webhook is this, and did they sign it: the one check of a WhatsApp webhook body.

A body names only a provider number, so the number gives the channel and the channel's app
secret must have signed the exact bytes. The gateway asks this before it stores a body
(`VerifyWebhook`) and the ingress consumer asks it again of every stored body, so both decide
alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from parley.contracts.messaging.webhooks import (
    BAD_SIGNATURE,
    MISSING_SIGNATURE,
    NOT_A_WEBHOOK,
    UNKNOWN_NUMBER,
)
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.adapters.secrets import SecretBox
from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.domain.signatures import verify
from parley.messaging.domain.webhooks import NotAWebhook, WebhookContents, parse


@dataclass(frozen=True)
class Refused:
    reason: str  # a `WebhookVerdict` code
    channel: ChannelRecord | None = None  # the body's channel, once it is known


@dataclass(frozen=True)
class Authentic:
    """Signed with the app secret of the channel whose number the body names."""

    body: dict[str, Any]
    contents: WebhookContents
    channel: ChannelRecord


class WebhookAuth:
    def __init__(self, channels: ChannelStore, box: SecretBox) -> None:
        self._channels = channels
        self._box = box

    async def check(self, raw: bytes, signature: str | None) -> Authentic | Refused:
        if not signature:
            return Refused(MISSING_SIGNATURE)
        try:
            body = json.loads(raw)
            contents = parse(body)
        except (ValueError, NotAWebhook, AttributeError):  # AttributeError: JSON, not an object
            return Refused(NOT_A_WEBHOOK)
        channel = await self.channel_of(body, contents)
        if channel is None:
            return Refused(UNKNOWN_NUMBER)
        sealed = channel.sealed.get("app_secret", "")
        app_secret = self._box.open(sealed) if sealed else ""
        if not verify(raw, signature, app_secret):
            return Refused(BAD_SIGNATURE, channel)
        return Authentic(body, contents, channel)

    async def channel_of(
        self, body: dict[str, Any], contents: WebhookContents
    ) -> ChannelRecord | None:
        """The channel of the first number the body names: a message's or status's number id,
        else the display number (quality updates name only that)."""
        numbers = [i.phone_number_id for i in contents.inbound]
        numbers += [s.phone_number_id for s in contents.statuses]
        for number in numbers:
            if number:
                return await self._channels.owner_of(number)
        for entry in _dicts(body.get("entry")):
            for change in _dicts(entry.get("changes")):
                value = change.get("value")
                display = value.get("display_phone_number", "") if isinstance(value, dict) else ""
                if display:
                    return await self._channels.owner_of_display(str(display))
        return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
