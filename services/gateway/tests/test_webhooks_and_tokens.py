"""The doors that are not for our users: Meta's and Stripe's webhooks, verified before anything
is stored; and the tokens of the users: expired, forged and revoked ones are refused."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import httpx
import stripe
from nats.aio.client import Client as NatsClient

from parley.contracts.messaging.events import InboundMessageReceived
from parley.gateway.domain.tokens import issue_access
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, events_of
from parley.messaging.testing.webhooks import sign
from parley.runtime.settings import DEV_SECRET_KEY
from parley.runtime.testing.plugin import eventually

from .conftest import STRIPE_WEBHOOK_SECRET, NewAccount, System

VERIFY_TOKEN = "verify-token-0123456789"


async def stored(nc: NatsClient, subject: str) -> int:
    info = await nc.jetstream().stream_info("INGRESS", subjects_filter=subject)
    return sum((info.state.subjects or {}).values())


async def test_whatsapp_webhooks_are_verified_stored_raw_then_processed(
    api: httpx.AsyncClient, account: NewAccount, system: System, nc: NatsClient
) -> None:
    ana = await account("ana")
    fake = system.fake
    connected = await api.post(
        ana.path("/channels/cloud-api"),
        json={
            "channel_id": "main",
            "phone_number_id": fake.default_phone_number_id,
            "business_account_id": fake.waba_id,
            "access_token": FAKE_TOKEN,
            "app_secret": FAKE_APP_SECRET,
            "verify_token": VERIFY_TOKEN,
        },
        headers=ana.auth,
    )
    assert connected.status_code == 201, connected.text
    assert FAKE_TOKEN not in connected.text
    assert FAKE_APP_SECRET not in connected.text
    url = f"{system.api_url}/webhooks/whatsapp"
    assert await fake.verify_subscription(url, VERIFY_TOKEN)
    assert await fake.verify_subscription(f"{url}/main", VERIFY_TOKEN)
    assert not await fake.verify_subscription(url, "not-the-token")

    before = await stored(nc, "ingress.whatsapp.>")
    fake.webhook_target(url, VERIFY_TOKEN)
    await fake.emit_inbound_text("+15550004444", "hello from meta", "Meta User")

    async def received() -> list[InboundMessageReceived]:
        events = await events_of(nc, ana.workspace_id)
        return [e for _, e in events if isinstance(e, InboundMessageReceived)]

    async def one_received() -> bool:
        return [e.text for e in await received()] == ["hello from meta"]

    await eventually(one_received, timeout=15)
    assert await stored(nc, "ingress.whatsapp.>") == before + 1

    real = await fake_inbound_body(fake.default_phone_number_id, fake.display_phone_number)
    count = await stored(nc, "ingress.whatsapp.>")
    forged = await api.post(
        url, content=real, headers={"X-Hub-Signature-256": sign(real, "y" * 20)}
    )
    unsigned = await api.post(url, content=real)
    tampered = await api.post(
        url,
        content=real.replace(b"once only", b"twice now"),
        headers={"X-Hub-Signature-256": sign(real, FAKE_APP_SECRET)},
    )
    for refused, reason in (
        (forged, "bad_signature"),
        (unsigned, "missing_signature"),
        (tampered, "bad_signature"),
    ):
        assert refused.status_code == 401
        assert refused.json()["code"] == "WEBHOOK_REFUSED"
        assert reason in refused.json()["detail"]
    assert await stored(nc, "ingress.whatsapp.>") == count  # nothing stored
    for _ in range(2):  # Meta retries a body: the same bytes are stored once
        ok = await api.post(
            url, content=real, headers={"X-Hub-Signature-256": sign(real, FAKE_APP_SECRET)}
        )
        assert ok.status_code == 200
    assert await stored(nc, "ingress.whatsapp.>") == count + 1

    async def twice_sent_once_processed() -> bool:
        return [e.text for e in await received()] == ["hello from meta", "once only"]

    await eventually(twice_sent_once_processed, timeout=15)


async def fake_inbound_body(phone_number_id: str, display: str) -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "0",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": display,
                                    "phone_number_id": phone_number_id,
                                },
                                "contacts": [{"profile": {"name": "Z"}, "wa_id": "15550005555"}],
                                "messages": [
                                    {
                                        "from": "15550005555",
                                        "id": f"wamid.once-{time.time_ns()}",
                                        "timestamp": str(int(time.time())),
                                        "type": "text",
                                        "text": {"body": "once only"},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


async def test_stripe_webhooks_need_a_fresh_valid_signature(
    api: httpx.AsyncClient, nc: NatsClient
) -> None:
    event_id = f"evt_{time.time_ns()}"
    body = json.dumps({"id": event_id, "object": "event", "type": "invoice.paid"})
    url = "/webhooks/stripe"
    before = await stored(nc, "ingress.stripe.events")
    good = stripe.WebhookSignature.generate_signature_header(body, STRIPE_WEBHOOK_SECRET)
    stale = stripe.WebhookSignature.generate_signature_header(
        body, STRIPE_WEBHOOK_SECRET, timestamp=int(time.time()) - 3600
    )
    forged = stripe.WebhookSignature.generate_signature_header(body, "whsec_someone_else")
    for header in (stale, forged, ""):
        refused = await api.post(url, content=body, headers={"Stripe-Signature": header})
        assert refused.status_code == 401, refused.text
    assert await stored(nc, "ingress.stripe.events") == before
    for _ in range(2):  # Stripe delivers an event more than once: stored once
        answer = await api.post(url, content=body, headers={"Stripe-Signature": good})
        assert answer.status_code == 200
    assert await stored(nc, "ingress.stripe.events") == before + 1


async def test_expired_forged_and_revoked_tokens_are_refused(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    me = await api.get("/api/v1/me", headers=ana.auth)
    assert me.status_code == 200
    claims = me.json()
    assert claims["user"]["email"] == ana.email

    session = json.loads(_payload(ana.token))["sid"]
    expired = issue_access(
        ana.user_id,
        session,
        datetime.now(UTC) - timedelta(hours=1),
        timedelta(minutes=15),
        DEV_SECRET_KEY,
    )
    forged = issue_access(ana.user_id, session, datetime.now(UTC), timedelta(minutes=15), "x" * 40)
    tampered = ana.token[:-3] + ("AAA" if not ana.token.endswith("AAA") else "BBB")
    for token, reason in (
        (expired, "expired"),
        (forged, "bad_signature"),
        (tampered, "bad_signature"),
    ):
        refused = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401
        assert refused.json()["code"] == "TOKEN_REJECTED"
        assert reason in refused.headers["www-authenticate"]

    refreshed = await api.post("/api/v1/auth/refresh", json={"refresh_token": ana.refresh_token})
    assert refreshed.status_code == 200
    pair = refreshed.json()
    reused = await api.post("/api/v1/auth/refresh", json={"refresh_token": ana.refresh_token})
    assert reused.status_code == 401
    assert reused.json()["code"] == "REFRESH_REUSED"
    # Reuse ended the session: the newest tokens stop working too.
    ended = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert ended.status_code == 401

    login = await api.post(
        "/api/v1/auth/login", json={"email": ana.email, "password": "correct horse battery staple"}
    )
    assert login.status_code == 200
    token = login.json()["access_token"]
    out = await api.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.status_code == 204
    revoked = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 401
    assert "revoked" in revoked.headers["www-authenticate"]
    wrong = await api.post(
        "/api/v1/auth/login", json={"email": ana.email, "password": "nope-nope-nope"}
    )
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "INVALID_CREDENTIALS"


def _payload(token: str) -> str:
    part = token.split(".")[1]
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()
