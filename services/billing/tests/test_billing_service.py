"""The billing service running in this process against the fake Stripe API: an operator's
assignment, Checkout through webhooks to entitlements, duplicated and reordered webhooks, a
failed renewal's grace period ending on the default plan, cancellation, and forged bodies.

The webhooks reach billing the way the gateway hands them over: a small receiver checks the
signature with the stripe library (300 s tolerance) and stores the raw body on
`ingress.stripe.events` with `Nats-Msg-Id = stripe:<event id>`; the gateway's own route is
tested with the whole system in services/gateway/tests.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
import sqlalchemy as sa
import stripe
from aiohttp import web
from nats.aio.client import Client as NatsClient
from nats.errors import NoRespondersError
from nats.js.errors import BucketNotFoundError, KeyNotFoundError
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.billing.adapters.tables import in_schema, stripe_events
from parley.billing.app import build
from parley.billing.domain.catalog import DEFAULT_CATALOG
from parley.billing.settings import BillingSettings
from parley.billing.testing import FakeStripe
from parley.contracts.billing.commands import RegisterWorkspace
from parley.contracts.billing.entitlements import ENTITLEMENTS_BUCKET, Entitlements
from parley.contracts.billing.events import AccountChanged
from parley.contracts.billing.queries import (
    AccountChangeResult,
    AccountReply,
    ChangeAccount,
    CheckoutReply,
    CreateCheckout,
    CreatePortal,
    GetAccount,
    InvoicePage,
    ListInvoices,
    ListPlans,
    PlanCatalog,
    PortalReply,
)
from parley.contracts.envelope import Envelope
from parley.contracts.ingress import STRIPE_SIGNATURE_HEADER, stripe_ingress_subject
from parley.contracts.messages import Query, Reply
from parley.contracts.streams import BILLING
from parley.contracts.subjects import command_subject
from parley.runtime.embedded import free_port
from parley.runtime.eventstore import EventStore
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

SECRET = "whsec_billing_tests"
GRACE_SECONDS = 2.0


@dataclass
class Billing:
    service: Service
    stripe_fake: FakeStripe
    nc: NatsClient


async def _receiver(nc: NatsClient) -> tuple[web.AppRunner, str]:
    """The gateway's part: verify, then store the raw body before answering 200."""

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        header = request.headers.get(STRIPE_SIGNATURE_HEADER, "")
        try:
            stripe.WebhookSignature.verify_header(body.decode(), header, SECRET, tolerance=300)
        except stripe.SignatureVerificationError:
            return web.Response(status=401)
        event_id = json.loads(body)["id"]
        await nc.jetstream().publish(
            stripe_ingress_subject(),
            body,
            headers={STRIPE_SIGNATURE_HEADER: header, "Nats-Msg-Id": f"stripe:{event_id}"},
        )
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/webhooks/stripe", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}/webhooks/stripe"


@pytest.fixture
async def billing(nats_url: str, database_url: str, nc: NatsClient) -> AsyncIterator[Billing]:
    runner, url = await _receiver(nc)
    async with FakeStripe(webhook_url=url, webhook_secret=SECRET) as fake:
        service = build(
            BillingSettings(
                nats_url=nats_url,
                database_url=database_url,
                health_port=free_port(),
                stripe_api_key=SecretStr(fake.api_key),
                stripe_api_base=fake.base_url,
                stripe_webhook_secret=SecretStr(SECRET),
                grace_days=GRACE_SECONDS / 86_400,
            )
        )
        task = asyncio.create_task(service.run())
        await eventually(lambda: service.phase == "running", timeout=30)
        await eventually(lambda: answers(nc), timeout=10)  # its endpoints reached the server
        try:
            yield Billing(service, fake, nc)
        finally:
            service.stop()
            await asyncio.wait_for(task, 15)
    await runner.cleanup()


async def answers(nc: NatsClient) -> bool:
    envelope = Envelope.wrap(ListPlans(), workspace_id="probe")
    try:
        await nc.request(query_subject("billing", "list-plans"), envelope.to_bytes(), timeout=2)
    except (NoRespondersError, TimeoutError):
        return False
    return True


R = TypeVar("R", bound=Reply)


async def ask(nc: NatsClient, name: str, ws: str, query: Query, reply: type[R]) -> R:
    envelope = Envelope.wrap(query, workspace_id=ws)
    answer = await nc.request(query_subject("billing", name), envelope.to_bytes(), timeout=10)
    assert not answer.headers or "Nats-Service-Error" not in answer.headers, answer.headers
    return reply.model_validate_json(answer.data)


async def entitlements(nc: NatsClient, ws: str) -> Entitlements | None:
    try:
        kv = await nc.jetstream().key_value(ENTITLEMENTS_BUCKET)
        entry = await kv.get(ws)
    except (BucketNotFoundError, KeyNotFoundError):
        return None
    return Entitlements.model_validate_json(entry.value or b"{}")


def plan_is(nc: NatsClient, ws: str, plan: str, status: str = "") -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        found = await entitlements(nc, ws)
        return found is not None and found.plan == plan and (not status or found.status == status)

    return check


async def register(nc: NatsClient, org: str, ws: str) -> None:
    command = RegisterWorkspace(organization_id=org, workspace_id=ws, at=datetime.now(UTC))
    await nc.jetstream().publish(
        command_subject("billing", org, "account"),
        Envelope.wrap(command, workspace_id=org).to_bytes(),
        headers={"Nats-Msg-Id": f"register:{ws}"},
    )


async def checkout(b: Billing, org: str, ws: str, plan: str, attempt: str = "a1") -> str:
    reply = await ask(
        b.nc,
        "create-checkout",
        ws,
        CreateCheckout(
            organization_id=org,
            plan=plan,
            success_url="http://app.test/settings/billing?checkout=success",
            cancel_url="http://app.test/settings/billing?checkout=cancelled",
            email="owner@example.com",
            attempt_id=attempt,
        ),
        CheckoutReply,
    )
    assert reply.ok, reply
    assert reply.url.startswith(b.stripe_fake.base_url + "/checkout/")
    return reply.session_id


async def account_changes(nc: NatsClient, org: str) -> list[AccountChanged]:
    loaded = await EventStore(nc, BILLING.name).load(f"billing.evt.{org}.account")
    return [e.message for e in loaded if isinstance(e.message, AccountChanged)]


async def handled_events(engine: AsyncEngine, org: str) -> list[str]:
    async with engine.connect() as raw:
        conn = await in_schema(raw, "billing")
        rows = await conn.execute(
            sa.select(stripe_events.c.event_id).where(stripe_events.c.organization_id == org)
        )
        return [r.event_id for r in rows]


async def test_an_operator_assigns_a_plan_and_entitlements_follow_within_a_second(
    billing: Billing, unique: Callable[[str], str]
) -> None:
    org, ws = unique("org"), unique("ws")
    await register(billing.nc, org, ws)
    await eventually(plan_is(billing.nc, ws, "free"), timeout=10)
    started = time.monotonic()
    assigned = await ask(
        billing.nc,
        "change-account",
        org,
        ChangeAccount(organization_id=org, action="assign", plan="agency", by="ops"),
        AccountChangeResult,
    )
    assert assigned.ok, assigned
    await eventually(plan_is(billing.nc, ws, "agency"), timeout=5)
    assert time.monotonic() - started < 1.0
    found = await entitlements(billing.nc, ws)
    assert found is not None
    assert found.pooled == {"messages_sent", "ai_answers", "leads_scraped"}
    unknown = await ask(
        billing.nc,
        "change-account",
        org,
        ChangeAccount(organization_id=org, action="assign", plan="gold"),
        AccountChangeResult,
    )
    assert (unknown.ok, unknown.code) == (False, "PLAN_UNKNOWN")
    catalog = await ask(billing.nc, "list-plans", ws, ListPlans(), PlanCatalog)
    assert [p.plan_id for p in catalog.plans if p.purchasable] == ["starter", "pro", "agency"]


async def test_checkout_and_its_webhooks_put_the_plan_in_force(
    billing: Billing, unique: Callable[[str], str]
) -> None:
    org, ws = unique("org"), unique("ws")
    before = await ask(billing.nc, "get-account", ws, GetAccount(organization_id=org), AccountReply)
    assert (before.account.plan, before.account.workspaces) == ("free", (ws,))
    assert {(u.metric, u.scope) for u in before.usage} >= {("messages_sent", "ws")}
    session = await checkout(billing, org, ws, "starter")
    again = await checkout(billing, org, ws, "starter")  # the same attempt: the same session
    assert again == session
    started = time.monotonic()
    await billing.stripe_fake.complete_checkout(session)
    await eventually(plan_is(billing.nc, ws, "starter", "trialing"), timeout=10)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"entitlements took {elapsed:.2f} s"
    posts = [r for r in billing.stripe_fake.requests if r.method == "POST"]
    assert posts
    assert all(r.idempotency_key for r in posts)
    assert any(r.idempotency_key == f"checkout:{org}:starter:a1" for r in posts), (
        "the checkout's key is derived from the business operation"
    )
    after = await ask(billing.nc, "get-account", ws, GetAccount(organization_id=org), AccountReply)
    assert after.account.trialed
    assert after.account.stripe_subscription.startswith("sub_")
    refused = await ask(
        billing.nc,
        "create-checkout",
        ws,
        CreateCheckout(
            organization_id=org,
            plan="pro",
            success_url="http://app.test/ok",
            cancel_url="http://app.test/no",
            attempt_id="a2",
        ),
        CheckoutReply,
    )
    assert (refused.ok, refused.code) == (False, "ALREADY_SUBSCRIBED")
    portal = await ask(
        billing.nc,
        "create-portal",
        ws,
        CreatePortal(organization_id=org, return_url="http://app.test/settings", attempt_id="p1"),
        PortalReply,
    )
    assert portal.ok
    assert portal.url.startswith(billing.stripe_fake.base_url + "/portal/")
    invoices = await ask(
        billing.nc, "list-invoices", ws, ListInvoices(organization_id=org), InvoicePage
    )
    assert len(invoices.items) == 1
    assert (invoices.items[0].status, invoices.items[0].amount_paid) == ("paid", 0)  # the trial


async def test_duplicated_and_reordered_webhooks_end_in_stripes_state(
    billing: Billing, unique: Callable[[str], str]
) -> None:
    org, ws = unique("org"), unique("ws")
    await ask(billing.nc, "get-account", ws, GetAccount(organization_id=org), AccountReply)
    session = await checkout(billing, org, ws, "pro")
    fake = billing.stripe_fake
    fake.hold()
    subscription = await fake.complete_checkout(session)
    await fake.end_trial(subscription["id"])  # the trial ends and the card is charged
    await fake.change_price(subscription["id"], "price_agency_monthly")
    deliveries = await fake.release(reorder=True, duplicate=True, seed=7)
    assert len(deliveries) == 2 * len(fake.events)
    await eventually(plan_is(billing.nc, ws, "agency", "active"), timeout=10)

    async def all_handled() -> bool:
        ids = await handled_events(billing.service.engine, org)
        return sorted(ids) == sorted(e["id"] for e in fake.events)

    await eventually(all_handled, timeout=10)
    found = await entitlements(billing.nc, ws)
    assert found is not None
    assert (found.plan, found.status) == ("agency", "active")
    changes = await account_changes(billing.nc, org)
    # Re-reading the subscription: each event that changes nothing records nothing.
    assert len(changes) <= len(fake.events) + 2
    assert changes[-1].account.plan == "agency"


async def test_a_failed_renewal_holds_the_plan_for_the_grace_period_then_falls_to_free(
    billing: Billing, unique: Callable[[str], str]
) -> None:
    org, ws = unique("org"), unique("ws")
    await ask(billing.nc, "get-account", ws, GetAccount(organization_id=org), AccountReply)
    session = await checkout(billing, org, ws, "agency")  # no trial on Agency
    subscription = await billing.stripe_fake.complete_checkout(session)
    await eventually(plan_is(billing.nc, ws, "agency", "active"), timeout=10)
    await billing.stripe_fake.renew(subscription["id"], payment_ok=False)
    await eventually(plan_is(billing.nc, ws, "agency", "past_due"), timeout=10)
    held = await entitlements(billing.nc, ws)
    assert held is not None
    assert held.grace_until is not None
    # The grace timer fires (durable JetStream schedule), Stripe still says past_due: Free.
    await eventually(plan_is(billing.nc, ws, "free", "active"), timeout=15)
    reply = await ask(billing.nc, "get-account", ws, GetAccount(organization_id=org), AccountReply)
    assert reply.account.source == "grace_expired"


async def test_cancellation_at_period_end_then_deletion(
    billing: Billing, unique: Callable[[str], str]
) -> None:
    org, ws = unique("org"), unique("ws")
    await ask(billing.nc, "get-account", ws, GetAccount(organization_id=org), AccountReply)
    session = await checkout(billing, org, ws, "agency")
    subscription = await billing.stripe_fake.complete_checkout(session)
    await eventually(plan_is(billing.nc, ws, "agency"), timeout=10)
    await billing.stripe_fake.cancel(subscription["id"], at_period_end=True)

    async def flagged() -> bool:
        reply = await ask(
            billing.nc, "get-account", ws, GetAccount(organization_id=org), AccountReply
        )
        return reply.account.cancel_at_period_end and reply.account.plan == "agency"

    await eventually(flagged, timeout=10)
    await billing.stripe_fake.delete(subscription["id"])
    await eventually(plan_is(billing.nc, ws, "free"), timeout=10)


async def test_a_body_on_the_ingress_that_is_not_signed_by_stripe_changes_nothing(
    billing: Billing, unique: Callable[[str], str]
) -> None:
    org, ws = unique("org"), unique("ws")
    await ask(billing.nc, "get-account", ws, GetAccount(organization_id=org), AccountReply)
    forged = json.dumps(
        {
            "id": unique("evt"),
            "object": "event",
            "type": "customer.subscription.updated",
            "created": int(time.time()),
            "data": {
                "object": {
                    "object": "subscription",
                    "id": "sub_x",
                    "customer": "cus_x",
                    "metadata": {"organization_id": org},
                }
            },
        }
    ).encode()
    header = stripe.WebhookSignature.generate_signature_header(forged.decode(), "whsec_wrong")
    await billing.nc.jetstream().publish(
        stripe_ingress_subject(), forged, headers={STRIPE_SIGNATURE_HEADER: header}
    )
    # A signed event published after it is handled after it: once it is, the forged one was
    # looked at and passed over.
    session = await checkout(billing, org, ws, "starter")
    await billing.stripe_fake.complete_checkout(session)
    await eventually(plan_is(billing.nc, ws, "starter"), timeout=10)
    assert json.loads(forged)["id"] not in await handled_events(billing.service.engine, org)
    changes = await account_changes(billing.nc, org)
    assert all(c.account.stripe_subscription != "sub_x" for c in changes)


async def test_a_new_catalog_version_reaches_every_workspace_at_start_up(
    nats_url: str, database_url: str, nc: NatsClient, unique: Callable[[str], str], tmp_path: Path
) -> None:
    org, ws = unique("org"), unique("ws")
    raised = tmp_path / "plans.toml"
    raised.write_text(
        DEFAULT_CATALOG.read_text()
        .replace("version = 1", "version = 2", 1)
        .replace("messages_sent = 1000", "messages_sent = 2000", 1)
    )
    for catalog, expected in ((DEFAULT_CATALOG, (1, 1000)), (raised, (2, 2000))):
        service = build(
            BillingSettings(
                nats_url=nats_url,
                database_url=database_url,
                health_port=free_port(),
                plan_catalog=catalog,
            )
        )
        task = asyncio.create_task(service.run())
        await eventually(lambda s=service: s.phase == "running", timeout=30)  # type: ignore[misc]
        try:
            if catalog == DEFAULT_CATALOG:
                await register(nc, org, ws)

            async def current(want: tuple[int, int] = expected) -> bool:
                found = await entitlements(nc, ws)
                return (
                    found is not None
                    and (
                        found.catalog_version,
                        found.limit("messages_sent"),
                    )
                    == want
                )

            await eventually(current, timeout=10)
        finally:
            service.stop()
            await asyncio.wait_for(task, 15)
