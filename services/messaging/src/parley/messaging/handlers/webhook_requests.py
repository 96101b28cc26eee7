"""The gateway's two questions about a WhatsApp webhook, over request/reply.

`verify-webhook`: was this POST body signed with the app secret of the number it names (and,
when the URL names a channel, is that the number's channel)? `verify-webhook-subscription`: is
this Meta's GET handshake with the verify token of a connected number? Only messaging holds the
secrets, so the gateway asks; the verdict names the workspace and channel, never a secret.

Channel ids are unique only within a workspace, and the query's workspace is a placeholder, so
a route never finds a channel by itself: a POST's number finds it, and a handshake's token does
(through the `verify.<fingerprint>` index of the channel store).
"""

from __future__ import annotations

import asyncio
import base64
import binascii

from parley.contracts.messaging.webhooks import (
    BAD_TOKEN,
    META_ROUTE,
    NOT_A_WEBHOOK,
    NOT_SUBSCRIBE,
    SUBSCRIPTION_OK,
    UNKNOWN_CHANNEL,
    WEBHOOK_OK,
    VerifyWebhook,
    VerifyWebhookSubscription,
    WebhookSubscriptionVerdict,
    WebhookVerdict,
)
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.adapters.secrets import SecretBox, SecretUnreadable
from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.domain.signatures import challenge_answer
from parley.messaging.handlers.webhook_auth import Refused, WebhookAuth


class WebhookRequests:
    def __init__(self, channels: ChannelStore, box: SecretBox, auth: WebhookAuth) -> None:
        self._channels = channels
        self._box = box
        self._auth = auth
        self._indexed = asyncio.Event()  # set: every channel's verify token is in the index
        self._backfilling = asyncio.Lock()

    async def verify(self, workspace_id: str, request: VerifyWebhook) -> WebhookVerdict:
        del workspace_id  # a placeholder: the body's number says whose webhook it is
        try:
            raw = base64.b64decode(request.body_b64, validate=True)
        except (binascii.Error, ValueError):
            return WebhookVerdict(valid=False, reason=NOT_A_WEBHOOK)
        checked = await self._auth.check(raw, request.signature)
        if isinstance(checked, Refused):
            return WebhookVerdict(valid=False, reason=checked.reason)
        channel = checked.channel
        # Checked after the signature, so only the secret's holder learns the route is wrong.
        if request.route not in (META_ROUTE, channel.channel_id):
            return WebhookVerdict(valid=False, reason=UNKNOWN_CHANNEL)
        return WebhookVerdict(
            valid=True,
            reason=WEBHOOK_OK,
            workspace_id=channel.workspace_id,
            channel_id=channel.channel_id,
        )

    async def subscription(
        self, workspace_id: str, request: VerifyWebhookSubscription
    ) -> WebhookSubscriptionVerdict:
        del workspace_id  # a placeholder: the token says whose number it is
        if request.mode != "subscribe":
            return WebhookSubscriptionVerdict(ok=False, reason=NOT_SUBSCRIBE)
        if not request.verify_token:
            return WebhookSubscriptionVerdict(ok=False, reason=BAD_TOKEN)
        named = None if request.route == META_ROUTE else request.route
        fingerprint = self._box.fingerprint(request.verify_token)
        candidates = await self._channels.with_verify_token(fingerprint, named)
        if not candidates and await self._backfill():
            candidates = await self._channels.with_verify_token(fingerprint, named)
        params = {
            "hub.mode": request.mode,
            "hub.verify_token": request.verify_token,
            "hub.challenge": request.challenge,
        }
        for channel in candidates:
            if channel.view.status == "disconnected":
                continue
            if named is None and channel.view.provider != "cloud_api":
                continue  # Meta's shared callback URL serves real numbers only
            # The index entry may be stale (a token changed since): the token itself decides.
            answer = challenge_answer(params, self._verify_token(channel))
            if answer is not None:
                return WebhookSubscriptionVerdict(ok=True, challenge=answer, reason=SUBSCRIPTION_OK)
        return WebhookSubscriptionVerdict(ok=False, reason=BAD_TOKEN)

    async def _backfill(self) -> bool:
        """Index the verify tokens of channels connected before the index existed, once for
        the whole bucket; True if the index may have changed since the caller looked."""
        if self._indexed.is_set():
            return False
        async with self._backfilling:
            if self._indexed.is_set():
                return True  # another request has just done it
            if await self._channels.verify_index_complete():
                self._indexed.set()
                return False
            for channel in await self._channels.everything():
                token = self._verify_token(channel)
                if token:
                    fingerprint = self._box.fingerprint(token)
                    await self._channels.index_verify_token(channel, fingerprint)
            await self._channels.mark_verify_index_complete()
            self._indexed.set()
            return True

    def _verify_token(self, channel: ChannelRecord) -> str:
        sealed = channel.sealed.get("verify_token", "")
        try:
            return self._box.open(sealed) if sealed else ""
        except SecretUnreadable:
            return ""  # sealed under another SECRET_KEY: matches nothing
