"""Webhook ingress: Meta's WhatsApp webhooks and Stripe's.

A body is verified before anything reads it, stored raw in the INGRESS stream (byte for byte, so
its owner can check the signature again), and only then answered 200: once Meta or Stripe has a
200, the body is durable. A body that fails verification is refused and nothing is stored. When
the verifier (messaging) or the stream is down the answer is 503, and the sender retries.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Annotated

import stripe
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse

from parley.contracts.ingress import (
    RECEIVED_AT_HEADER,
    STRIPE_SIGNATURE_HEADER,
    WHATSAPP_SIGNATURE_HEADER,
    stripe_ingress_subject,
    whatsapp_ingress_subject,
)
from parley.contracts.messaging.webhooks import (
    META_ROUTE,
    VerifyWebhook,
    VerifyWebhookSubscription,
    WebhookSubscriptionVerdict,
    WebhookVerdict,
)
from parley.gateway.adapters.services import Services
from parley.gateway.api.problems import Problem
from parley.gateway.settings import GatewaySettings

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

# The verifier's query envelope must name a workspace; a webhook names only a number.
WEBHOOK_WORKSPACE = "_webhook"
# Meta's and Stripe's bodies are kilobytes (a batch of statuses at most some hundreds); a body
# must fit, base64-encoded, in one NATS message to the verifier, and raw in one stored message.
MAX_WEBHOOK_BYTES = 512 * 1024
ROUTE = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,64}$", description="the channel id")]


def _services(request: Request) -> Services:
    services: Services = request.app.state.context.services
    return services


async def _handshake(
    request: Request, route: str, mode: str, token: str, challenge: str
) -> PlainTextResponse:
    query = VerifyWebhookSubscription(
        route=route, mode=mode[:64], verify_token=token[:1024], challenge=challenge[:1024]
    )
    verdict = await _services(request).ask(
        "messaging",
        "verify-webhook-subscription",
        WEBHOOK_WORKSPACE,
        query,
        WebhookSubscriptionVerdict,
    )
    if not verdict.ok:
        raise Problem(403, "WEBHOOK_REFUSED", f"verify handshake refused: {verdict.reason}")
    return PlainTextResponse(verdict.challenge)


async def _ingest(request: Request, route: str) -> Response:
    body = await request.body()
    if len(body) > MAX_WEBHOOK_BYTES:
        raise Problem(
            413, "REQUEST_TOO_LARGE", f"a webhook body is at most {MAX_WEBHOOK_BYTES} bytes"
        )
    signature = request.headers.get(WHATSAPP_SIGNATURE_HEADER, "")
    query = VerifyWebhook(
        route=route, body_b64=base64.b64encode(body).decode(), signature=signature[:1024]
    )
    verdict = await _services(request).ask(
        "messaging", "verify-webhook", WEBHOOK_WORKSPACE, query, WebhookVerdict
    )
    if not verdict.valid:
        raise Problem(401, "WEBHOOK_REFUSED", f"webhook refused: {verdict.reason}")
    await _store(
        request,
        whatsapp_ingress_subject(route),
        body,
        {WHATSAPP_SIGNATURE_HEADER: signature},
        # Meta retries a body it did not get a 200 for: the same bytes are stored once.
        msg_id=f"wa:{hashlib.sha256(body).hexdigest()}",
    )
    return Response(status_code=200)


async def _store(
    request: Request, subject: str, body: bytes, headers: dict[str, str], *, msg_id: str
) -> None:
    js = request.app.state.context.nc.jetstream(timeout=5)
    headers = {**headers, RECEIVED_AT_HEADER: f"{time.time():.3f}", "Nats-Msg-Id": msg_id}
    try:
        await js.publish(subject, body, headers=headers)
    except Exception as err:  # noqa: BLE001 - any failure to store is a 503: the sender retries
        raise Problem(
            503, "SERVICE_UNAVAILABLE", f"the webhook could not be stored: {err}", service="nats"
        ) from None


@router.get("/whatsapp", summary="Meta's verify handshake for the app's callback URL")
async def whatsapp_handshake(
    request: Request,
    mode: Annotated[str, Query(alias="hub.mode")] = "",
    token: Annotated[str, Query(alias="hub.verify_token")] = "",
    challenge: Annotated[str, Query(alias="hub.challenge")] = "",
) -> PlainTextResponse:
    return await _handshake(request, META_ROUTE, mode, token, challenge)


@router.get("/whatsapp/{channel_id}", summary="Meta's verify handshake for one number's URL")
async def whatsapp_channel_handshake(
    request: Request,
    channel_id: ROUTE,
    mode: Annotated[str, Query(alias="hub.mode")] = "",
    token: Annotated[str, Query(alias="hub.verify_token")] = "",
    challenge: Annotated[str, Query(alias="hub.challenge")] = "",
) -> PlainTextResponse:
    return await _handshake(request, channel_id, mode, token, challenge)


@router.post("/whatsapp", summary="WhatsApp webhook (X-Hub-Signature-256 verified)")
async def whatsapp_webhook(request: Request) -> Response:
    return await _ingest(request, META_ROUTE)


@router.post("/whatsapp/{channel_id}", summary="WhatsApp webhook for one number")
async def whatsapp_channel_webhook(request: Request, channel_id: ROUTE) -> Response:
    return await _ingest(request, channel_id)


@router.post("/stripe", summary="Stripe webhook (Stripe-Signature verified)")
async def stripe_webhook(request: Request) -> Response:
    settings: GatewaySettings = request.app.state.context.settings
    if settings.stripe_webhook_secret is None:
        raise Problem(404, "STRIPE_NOT_CONFIGURED", "Stripe webhooks are not enabled here")
    body = await request.body()
    if len(body) > MAX_WEBHOOK_BYTES:
        raise Problem(
            413, "REQUEST_TOO_LARGE", f"a webhook body is at most {MAX_WEBHOOK_BYTES} bytes"
        )
    header = request.headers.get(STRIPE_SIGNATURE_HEADER, "")
    try:
        stripe.WebhookSignature.verify_header(
            body,
            header,
            settings.stripe_webhook_secret.get_secret_value(),
            tolerance=settings.stripe_signature_tolerance_seconds,
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as err:
        raise Problem(401, "WEBHOOK_REFUSED", f"Stripe signature refused: {err}") from None
    # Verified, so it may be read: Stripe's event id deduplicates its own retries.
    try:
        event_id = str(json.loads(body)["id"])
    except (ValueError, KeyError, TypeError):
        raise Problem(400, "NOT_A_STRIPE_EVENT", "the body is not a Stripe event") from None
    await _store(
        request,
        stripe_ingress_subject(),
        body,
        {STRIPE_SIGNATURE_HEADER: header},
        msg_id=f"stripe:{event_id}",
    )
    return Response(status_code=200)
