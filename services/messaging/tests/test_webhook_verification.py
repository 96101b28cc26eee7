"""The gateway's webhook checks (`verify-webhook`, `verify-webhook-subscription`) against the
real running service: signatures with each number's app secret, routes, Meta's handshake."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.js.kv import KeyValue

from parley.contracts.ingress import WHATSAPP_SIGNATURE_HEADER, whatsapp_ingress_subject
from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult
from parley.contracts.messaging.sandbox import SandboxSend, SandboxSent
from parley.contracts.messaging.webhooks import (
    VerifyWebhook,
    VerifyWebhookSubscription,
    WebhookSubscriptionVerdict,
    WebhookVerdict,
)
from parley.messaging.adapters import buckets
from parley.messaging.adapters.channel_store import VERIFY_INDEX_COMPLETE
from parley.messaging.domain.sandbox_webhooks import inbound_body
from parley.messaging.domain.signatures import sign
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, ask, phone_number_id
from parley.runtime.service import Service

# What the gateway puts in the query envelope: it does not know the workspace yet.
PLACEHOLDER = "_webhook"


def workspace() -> str:
    return f"ws-{uuid.uuid4().hex[:12]}"


def unique_token() -> str:
    """Every test its own verify token: the KV, and the numbers in it, are shared."""
    return f"verify-{uuid.uuid4().hex}"


async def change(
    nc: NatsClient, ws: str, channel_id: str, action: Any, **payload: Any
) -> ChannelChangeResult:
    request = ChangeChannel(channel_id=channel_id, action=action, payload=payload)
    result = await ask(nc, ws, request, ChannelChangeResult)
    assert result.ok, result
    return result


async def connect(nc: NatsClient, ws: str, fake: FakeCloudApi, verify_token: str) -> None:
    await change(
        nc,
        ws,
        "main",
        "connect_cloud_api",
        phone_number_id=fake.default_phone_number_id,
        business_account_id=fake.waba_id,
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        verify_token=verify_token,
    )


async def index_keys(kv: KeyValue, ws: str) -> list[str]:
    """The verify-token index entries of the workspace's number "main". The server filters the
    watch: `kv.keys()` lists the whole bucket, which other tests write to meanwhile, and could
    end its listing early (nats-py takes the first "nothing pending" as the end)."""
    watcher = await kv.watch(f"verify.*.{ws}.main", meta_only=True, ignore_deletes=True)
    keys: list[str] = []
    try:
        async for entry in watcher:
            if entry is None:
                break
            keys.append(entry.key)
    finally:
        await watcher.stop()  # type: ignore[no-untyped-call]  # nats-py leaves it untyped
    return keys


def customer_text(phone_id: str, display: str) -> bytes:
    body = inbound_body(
        phone_number_id=phone_id,
        display_phone_number=display,
        waba_id="102290129340398",
        wa_id="15551230000",
        profile_name="Ana",
        message_id=f"wamid.in.{uuid.uuid4().hex}",
        timestamp=int(time.time()),
        kind="text",
        text="hola",
    )
    return json.dumps(body, separators=(",", ":")).encode()


async def verify(nc: NatsClient, route: str, raw: bytes, signature: str) -> WebhookVerdict:
    request = VerifyWebhook(
        route=route, body_b64=base64.b64encode(raw).decode(), signature=signature
    )
    return await ask(nc, PLACEHOLDER, request, WebhookVerdict)


async def handshake(
    nc: NatsClient, route: str, token: str, mode: str = "subscribe"
) -> WebhookSubscriptionVerdict:
    request = VerifyWebhookSubscription(
        route=route, mode=mode, verify_token=token, challenge="1158201444"
    )
    return await ask(nc, PLACEHOLDER, request, WebhookSubscriptionVerdict)


def verdict(reply: WebhookVerdict) -> tuple[bool, str, str, str]:
    return reply.valid, reply.reason, reply.workspace_id, reply.channel_id


async def test_a_webhook_is_valid_only_signed_with_its_numbers_app_secret(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake, unique_token())
    raw = customer_text(fake.default_phone_number_id, fake.display_phone_number)
    signed = sign(raw, FAKE_APP_SECRET)

    for route in ("meta", "main"):
        reply = await verify(nc, route, raw, signed)
        assert verdict(reply) == (True, "ok", ws, "main")
        assert FAKE_APP_SECRET not in reply.model_dump_json()

    forged = sign(raw, "not-the-app-secret-at-all")
    assert verdict(await verify(nc, "meta", raw, forged)) == (False, "bad_signature", "", "")
    # Signed, but re-serialised on the way: the bytes are not the ones signed.
    spaced = json.dumps(json.loads(raw)).encode()
    assert (await verify(nc, "meta", spaced, signed)).reason == "bad_signature"
    assert verdict(await verify(nc, "meta", raw, "")) == (False, "missing_signature", "", "")

    stranger = customer_text(phone_number_id(), "19995550100")
    unknown = await verify(nc, "meta", stranger, sign(stranger, FAKE_APP_SECRET))
    assert verdict(unknown) == (False, "unknown_number", "", "")

    # The URL names another channel than the one the body's number is connected as.
    assert verdict(await verify(nc, "other", raw, signed)) == (False, "unknown_channel", "", "")

    for junk in (b"not json", b"[1, 2]", b'{"object": "page", "entry": []}'):
        assert (await verify(nc, "meta", junk, sign(junk, FAKE_APP_SECRET))).reason == (
            "not_a_webhook"
        )
    not_base64 = VerifyWebhook(route="meta", body_b64="%%%", signature=signed)
    assert (await ask(nc, PLACEHOLDER, not_base64, WebhookVerdict)).reason == "not_a_webhook"


async def test_a_quality_update_is_found_by_its_display_number(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    await connect(nc, ws, fake, unique_token())
    body: dict[str, Any] = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": fake.waba_id,
                "changes": [
                    {
                        "field": "phone_number_quality_update",
                        "value": {
                            "display_phone_number": fake.display_phone_number,
                            "event": "FLAGGED",
                            "current_limit": "TIER_1K",
                        },
                    }
                ],
            }
        ],
    }
    raw = json.dumps(body).encode()
    reply = await verify(nc, "meta", raw, sign(raw, FAKE_APP_SECRET))
    assert verdict(reply) == (True, "ok", ws, "main")


async def test_the_subscription_handshake_needs_the_channels_verify_token(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    token = unique_token()
    await connect(nc, ws, fake, token)

    for route in ("main", "meta"):
        accepted = await handshake(nc, route, token)
        assert (accepted.ok, accepted.challenge, accepted.reason) == (True, "1158201444", "ok")
        assert token not in accepted.model_dump_json()
        refused = await handshake(nc, route, unique_token())
        assert (refused.ok, refused.challenge, refused.reason) == (False, "", "bad_token")
        assert (await handshake(nc, route, token, mode="unsubscribe")).reason == "not_subscribe"
        assert (await handshake(nc, route, "")).reason == "bad_token"
    # The right token on a URL naming another channel.
    assert (await handshake(nc, "other", token)).reason == "bad_token"

    # A new token replaces the old one.
    newer = unique_token()
    await change(nc, ws, "main", "update", verify_token=newer)
    assert (await handshake(nc, "main", newer)).ok
    assert (await handshake(nc, "meta", newer)).ok
    assert (await handshake(nc, "meta", token)).reason == "bad_token"

    # A disconnected number answers no handshake.
    await change(nc, ws, "main", "disconnect")
    assert (await handshake(nc, "meta", newer)).reason == "bad_token"
    assert (await handshake(nc, "main", newer)).reason == "bad_token"


async def test_numbers_connected_before_the_token_index_still_answer_the_handshake(
    messaging: Service, nc: NatsClient, fake: FakeCloudApi
) -> None:
    ws = workspace()
    token = unique_token()
    await connect(nc, ws, fake, token)
    # As if connected by a version that wrote no index: drop its entry and the "complete" mark.
    kv = await nc.jetstream().key_value(buckets.CHANNELS.bucket)
    for key in await index_keys(kv, ws):
        await kv.delete(key)
    await kv.delete(VERIFY_INDEX_COMPLETE)

    assert (await handshake(nc, "meta", token)).ok  # found by the one-off scan, and indexed
    assert await index_keys(kv, ws)
    assert (await kv.get(VERIFY_INDEX_COMPLETE)).value == b"1"
    assert (await handshake(nc, "main", token)).ok


async def test_a_sandbox_webhook_signed_with_the_sandbox_secret_is_valid(
    messaging: Service, nc: NatsClient
) -> None:
    ws = workspace()
    sandbox = f"sb-{uuid.uuid4().hex[:12]}"
    await change(nc, ws, sandbox, "create_sandbox")
    await ask(nc, ws, SandboxSend(channel_id=sandbox, phone="15550001111", text="hi"), SandboxSent)

    # The simulator stored its customer's message in INGRESS, signed like Meta would.
    sub = await nc.jetstream().subscribe(whatsapp_ingress_subject(sandbox), ordered_consumer=True)
    try:
        stored = await sub.next_msg(timeout=5)
    finally:
        await sub.unsubscribe()
    signature = (stored.headers or {})[WHATSAPP_SIGNATURE_HEADER]

    for route in (sandbox, "meta"):
        reply = await verify(nc, route, stored.data, signature)
        assert verdict(reply) == (True, "ok", ws, sandbox)
    assert (await verify(nc, sandbox, stored.data, sign(stored.data, FAKE_APP_SECRET))).reason == (
        "bad_signature"
    )
