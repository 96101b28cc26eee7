"""Checking a WhatsApp webhook at the door: the gateway asks messaging, which holds the secrets.

Over request/reply on `parley.q.messaging.verify-webhook` (a POST: is this raw body signed with
the app secret of the number it names?) and `parley.q.messaging.verify-webhook-subscription`
(Meta's GET handshake: is this the verify token of a connected number?). The query envelope's
workspace is a placeholder (the webhook names only a number); the verdict says whose it is.
A verdict never carries a secret, and names the workspace and channel only when it is valid.
"""

from __future__ import annotations

from pydantic import Field

from parley.contracts.messages import Query, Reply

# The route of Meta's single callback URL per app (`parley.contracts.ingress`); any other route
# is the channel id the webhook URL names.
META_ROUTE = "meta"

# `WebhookVerdict.reason`, stable codes:
WEBHOOK_OK = "ok"
MISSING_SIGNATURE = "missing_signature"  # no X-Hub-Signature-256 header
BAD_SIGNATURE = "bad_signature"  # not signed with the app secret of the number in the body
UNKNOWN_NUMBER = "unknown_number"  # the body names no number any workspace connected
NOT_A_WEBHOOK = "not_a_webhook"  # not base64, not JSON, or not a WhatsApp Business webhook
UNKNOWN_CHANNEL = "unknown_channel"  # signed, but the route names another channel

# `WebhookSubscriptionVerdict.reason`, stable codes:
SUBSCRIPTION_OK = "ok"
NOT_SUBSCRIBE = "not_subscribe"  # hub.mode is not `subscribe`
BAD_TOKEN = "bad_token"  # no connected number of the route has this verify token


class VerifyWebhook(Query, wire_name="messaging.VerifyWebhook", version=1):
    """A webhook POST as received: its route, its raw body (base64) and signature header."""

    route: str = Field(min_length=1, max_length=256)
    body_b64: str
    signature: str = Field(default="", max_length=1024)


class WebhookVerdict(Reply, wire_name="messaging.WebhookVerdict", version=1):
    valid: bool
    reason: str
    workspace_id: str = ""
    channel_id: str = ""


class VerifyWebhookSubscription(Query, wire_name="messaging.VerifyWebhookSubscription", version=1):
    """Meta's `GET` handshake: `hub.mode`, `hub.verify_token` and `hub.challenge`."""

    route: str = Field(min_length=1, max_length=256)
    mode: str = Field(max_length=64)
    verify_token: str = Field(max_length=1024)
    challenge: str = Field(max_length=1024)


class WebhookSubscriptionVerdict(
    Reply, wire_name="messaging.WebhookSubscriptionVerdict", version=1
):
    """`ok`: answer 200 with `challenge` as the body; otherwise 403."""

    ok: bool
    challenge: str = ""
    reason: str
