"""Webhook bodies from INGRESS to events: messages in, statuses, quality changes.

The gateway verified each body before storing it; it is verified again here with the app secret
of the number it names, because messaging is the one that holds the secrets and a body that
fails is dropped, loudly. A body is then taken apart item by item, and every item is idempotent:
an inbound message id is turned into an event once (a duplicated webhook is processed once), and
a status only ever moves a message forward (reordered webhooks end in the right state).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

from parley.contracts.crm.stop_words import is_stop
from parley.contracts.envelope import Envelope
from parley.contracts.ids import contact_id_for
from parley.contracts.ingress import RECEIVED_AT_HEADER, WHATSAPP_SIGNATURE_HEADER
from parley.contracts.messages import Event
from parley.contracts.messaging.channels import NumberQualityChanged
from parley.contracts.messaging.events import (
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
    MessageRead,
)
from parley.contracts.streams import INGRESS
from parley.contracts.subjects import event_subject
from parley.messaging.adapters import buckets
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.adapters.contacts import Conversations
from parley.messaging.adapters.provider_ids import ProviderIds
from parley.messaging.adapters.rate_limits import RateLimits
from parley.messaging.adapters.sandbox_store import SandboxStore
from parley.messaging.adapters.stop_words import StopWords
from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.domain.errors import handling
from parley.messaging.domain.webhooks import Inbound, StatusUpdate
from parley.messaging.handlers.number_pauses import NumberPauses
from parley.messaging.handlers.webhook_auth import Refused, WebhookAuth
from parley.messaging.metrics import MessagingMetrics
from parley.runtime.consumers import ConsumerSpec, RetryLater
from parley.runtime.kv import LazyBucket
from parley.runtime.logs import get_logger

log = get_logger("parley.messaging.ingress")

CONSUMER = ConsumerSpec(
    stream=INGRESS.name,
    durable="messaging-ingress",
    filter_subjects=("ingress.whatsapp.>",),
    max_deliver=50,
    backoff=(1.0, 2.0, 5.0),
    fetch_batch=128,
    concurrency=64,
)
# A status can overtake the record of its own send (Meta's `sent` webhook may beat our HTTP
# answer): it is retried this long before it is taken as some other system's message.
STATUS_GRACE = 120.0

_DROPPED = {
    "missing_signature": "webhook without a signature; dropped",
    "not_a_webhook": "ingress body is not a WhatsApp webhook; dropped",
    "unknown_number": "webhook for a number no workspace connected; dropped",
    "bad_signature": "webhook signature does not match the number's app secret; dropped",
}
_STATUS_EVENTS: dict[str, type[MessageDelivered | MessageRead | MessageFailed]] = {
    "delivered": MessageDelivered,
    "read": MessageRead,
    "failed": MessageFailed,
}


class Ingress:
    def __init__(
        self,
        nc: NatsClient,
        *,
        channels: ChannelStore,
        conversations: Conversations,
        provider_ids: ProviderIds,
        limits: RateLimits,
        auth: WebhookAuth,
        sandbox: SandboxStore,
        pauses: NumberPauses,
        metrics: MessagingMetrics,
    ) -> None:
        self._nc = nc
        self._metrics = metrics
        self._channels = channels
        self._conversations = conversations
        self._provider_ids = provider_ids
        self._limits = limits
        self._auth = auth
        self._sandbox = sandbox
        self._pauses = pauses
        self._seen = LazyBucket(nc, buckets.SEEN)
        self._stop_words = StopWords(nc)

    async def handle(self, msg: Msg) -> None:
        checked = await self._auth.check(
            msg.data, (msg.headers or {}).get(WHATSAPP_SIGNATURE_HEADER)
        )
        if isinstance(checked, Refused):
            self._metrics.webhooks_rejected.labels(checked.reason).inc()
            owner = checked.channel
            log.warning(
                _DROPPED.get(checked.reason, "webhook refused; dropped"),
                reason=checked.reason,
                workspace_id=owner.workspace_id if owner else None,
                channel_id=owner.channel_id if owner else None,
            )
            return
        channel, contents = checked.channel, checked.contents
        received = _received_at(msg)
        for item in contents.inbound:
            await self._inbound(channel, item)
        pending = 0
        for status in contents.statuses:
            pending += not await self._status(channel, status)
        await self._quality(checked.body)
        if pending and time.time() - received < STATUS_GRACE:
            raise RetryLater(1.0, f"{pending} statuses for sends not recorded yet")

    async def _inbound(self, channel: ChannelRecord, item: Inbound) -> None:
        if not item.message_id or not item.sender:
            log.warning("inbound message without id or sender; skipped", kind=item.message_type)
            return
        ws = channel.workspace_id
        seen_key = "in." + hashlib.sha256(f"{ws}:{item.message_id}".encode()).hexdigest()[:48]
        seen = await self._seen()
        try:
            await seen.get(seen_key)
            return  # a duplicated webhook: this message is already an event
        except KeyNotFoundError:
            pass
        contact_id = contact_id_for(ws, item.sender)
        first = await self._conversations.wrote_in(
            ws, contact_id, item.sender, channel.channel_id, item.at
        )
        keyword = is_stop(item.text, await self._stop_words.of(ws)) if item.text else None
        if keyword is not None:
            # The opt-out takes effect here, before the message is published: no flow reply to
            # it and no campaign send after it can pass the send check. crm records the
            # ContactOptedOut (the evidence) from the event below.
            await self._conversations.set_opt_out(ws, contact_id, True, item.at)
            log.info("stop keyword: contact opted out", workspace_id=ws, keyword=keyword)
        await self._limits.take_inbound(
            channel.view.phone_number_id, channel.view.messages_per_second
        )
        event = InboundMessageReceived(
            message_id=item.message_id,
            channel_id=channel.channel_id,
            contact_id=contact_id,
            phone="" if "." in item.sender else item.sender,
            user_id=item.sender if "." in item.sender else "",
            profile_name=item.profile_name[:256],
            message_type=item.message_type,
            text=item.text,
            button_id=item.button_id,
            media=item.media,
            first_message=first,
            at=item.at,
        )
        await self._publish(
            Envelope.wrap(event, workspace_id=ws),
            event_subject("messaging", ws, contact_id),
            f"in:{seen_key}",
        )
        # A concurrent delivery of the same webhook may get here too; the msg id deduped it.
        with contextlib.suppress(KeyWrongLastSequenceError):
            await seen.create(seen_key, b"1")

    async def _status(self, channel: ChannelRecord, status: StatusUpdate) -> bool:
        """Apply one status; False when its send is not recorded (yet)."""
        ref = await self._provider_ids.get(status.message_id)
        if ref is None:
            return False
        if channel.view.provider == "sandbox":
            await self._sandbox.set_status(ref.workspace_id, status.message_id, status.status)
        if status.status not in _STATUS_EVENTS:
            return True  # `sent` is announced by the pipeline when the provider accepts it
        moved = await self._provider_ids.advance(status.message_id, status.status)
        if moved is None:
            return True  # stale or repeated
        common: dict[str, Any] = {
            "command_id": ref.command_id,
            "contact_id": ref.contact_id,
            "provider_message_id": status.message_id,
            "execution_id": ref.execution_id,
            "channel_id": ref.channel_id,
            "at": status.at,
        }
        event: Event
        if status.status == "failed":
            code, detail = _error_of(status.errors)
            what = handling(code) if code is not None else None
            event = MessageFailed(
                **common,
                code=str(code) if code is not None else "FAILED",
                reason=(
                    f"{what.reason} ({code}{': ' + detail if detail else ''})"
                    if what
                    else detail or "WhatsApp reported the message failed"
                )[:1000],
                retryable=False,
                remedy=what.remedy if what else "",
            )
            if what is not None and what.action == "pause_number":
                await self._pauses.pause(None, channel, str(code), what.reason, what.remedy)
        else:
            event = _STATUS_EVENTS[status.status](**common)
        token = ref.ledger_key.split(".", 1)[1]
        await self._publish(
            Envelope.wrap(event, workspace_id=ref.workspace_id),
            event_subject("messaging", ref.workspace_id, token),
            f"{ref.ledger_key}:{status.status}",
        )
        return True

    async def _quality(self, body: dict[str, Any]) -> None:
        for entry in body.get("entry") or []:
            for change in entry.get("changes") or []:
                if change.get("field") != "phone_number_quality_update":
                    continue
                value = change.get("value") or {}
                channel = await self._channels.owner_of_display(
                    str(value.get("display_phone_number", ""))
                )
                if channel is None:
                    continue
                tier = str(
                    value.get("max_daily_conversations_per_business")
                    or value.get("current_limit")
                    or channel.view.tier
                )
                quality = str(value.get("quality_rating") or channel.view.quality)
                view = channel.view.model_copy(update={"tier": tier, "quality": quality})
                await self._channels.put(channel.model_copy(update={"view": view}))
                event = NumberQualityChanged(
                    channel_id=channel.channel_id,
                    quality=quality,
                    tier=tier,
                    event=str(value.get("event", "")),
                )
                ws = channel.workspace_id
                await self._publish(
                    Envelope.wrap(event, workspace_id=ws),
                    event_subject("messaging", ws, channel.channel_id),
                    None,
                )

    async def _publish(self, envelope: Envelope, subject: str, msg_id: str | None) -> None:
        headers = {"Nats-Msg-Id": msg_id} if msg_id else None
        await self._nc.jetstream().publish(subject, envelope.to_bytes(), headers=headers)


def _received_at(msg: Msg) -> float:
    try:
        return float((msg.headers or {}).get(RECEIVED_AT_HEADER, ""))
    except ValueError:
        return msg.metadata.timestamp.timestamp() if msg.metadata.timestamp else time.time()


def _error_of(errors: tuple[dict[str, Any], ...]) -> tuple[int | None, str]:
    for error in errors:
        code = error.get("code")
        if isinstance(code, int):
            data = error.get("error_data")
            detail = data.get("details", "") if isinstance(data, dict) else ""
            return code, str(detail or error.get("title") or error.get("message") or "")
    return None, ""
