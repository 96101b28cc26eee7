"""Paying through Stripe, end to end through the gateway, on the real plan catalog: an owner
on Free is refused an API key; Checkout (the fake Stripe's hosted page) → Stripe's webhooks to
`/webhooks/stripe` → billing → entitlements, and the same request is accepted within a second.
Duplicated and reordered deliveries end in Stripe's state; forged and stale signatures are
refused at the door and change nothing."""

from __future__ import annotations

import time
from typing import Any

import httpx
import sqlalchemy as sa

from parley.billing.adapters.tables import in_schema, stripe_events
from parley.billing.domain.catalog import DEFAULT_CATALOG
from parley.billing.testing import FakeStripe
from parley.runtime.testing.plugin import eventually

from .conftest import Account, NewAccount, System

WITH_FAKE_STRIPE = True
PLAN_CATALOG = DEFAULT_CATALOG  # Free without API access, as shipped
KEY = {"name": "ci", "permissions": ["flows:read"]}


def stripe_of(system: System) -> FakeStripe:
    assert system.stripe is not None
    return system.stripe


async def billing_page(api: httpx.AsyncClient, who: Account) -> dict[str, Any]:
    page = await api.get(who.path("/billing"), headers=who.auth)
    assert page.status_code == 200, page.text
    body: dict[str, Any] = page.json()
    return body


async def checkout(api: httpx.AsyncClient, who: Account, plan: str, key: str) -> dict[str, Any]:
    started = await api.post(
        who.path("/billing/checkout"),
        json={"plan": plan},
        headers={**who.auth, "Idempotency-Key": key},
    )
    assert started.status_code == 200, started.text
    body: dict[str, Any] = started.json()
    return body


async def pay(session: dict[str, Any], outcome: str = "success") -> httpx.Response:
    """What the customer's browser does on Stripe's Checkout page."""
    async with httpx.AsyncClient(timeout=10) as browser:
        page = await browser.get(session["url"])
        assert page.status_code == 200
        assert "Pay" in page.text
        return await browser.post(f"{session['url']}/pay", data={"outcome": outcome})


async def test_an_upgrade_through_checkout_is_in_force_within_a_second(
    api: httpx.AsyncClient, account: NewAccount, system: System
) -> None:
    ana = await account("ana")
    before = await billing_page(api, ana)
    assert (before["plan"]["id"], before["stripe_enabled"]) == ("free", True)
    refused = await api.post(ana.path("/api-keys"), json=KEY, headers=ana.auth)
    assert refused.status_code == 402, refused.text
    assert refused.json()["code"] == "PLAN_FEATURE_MISSING"
    assert refused.json()["upgrade"] == {"plan_name": "Starter"}

    session = await checkout(api, ana, "starter", "upgrade-1")
    again = await checkout(api, ana, "starter", "upgrade-1")  # a retried click
    assert again["session_id"] == session["session_id"]
    paid = await pay(session)
    assert paid.status_code == 303
    assert paid.headers["location"].endswith("/settings/billing?checkout=success")
    returned = time.monotonic()

    async def key_created() -> bool:
        made = await api.post(ana.path("/api-keys"), json=KEY, headers=ana.auth)
        return made.status_code == 201

    await eventually(key_created, timeout=10)
    elapsed = time.monotonic() - returned
    assert elapsed < 1.0, f"the new plan took {elapsed:.2f} s to be in force"
    after = await billing_page(api, ana)
    assert (after["plan"]["id"], after["status"]) == ("starter", "trialing")
    assert after["trial_end"] is not None
    messages = next(u for u in after["usage"] if u["metric"] == "messages_sent")
    assert messages["limit"] == 10_000
    fake = stripe_of(system)
    await fake.delivered()
    assert {d.type for d in fake.deliveries if d.ok} >= {
        "checkout.session.completed",
        "customer.subscription.created",
        "invoice.paid",
    }


async def test_duplicated_and_reordered_webhooks_end_in_stripes_state(
    api: httpx.AsyncClient, account: NewAccount, system: System
) -> None:
    fake = stripe_of(system)
    bo = await account("bo")
    session = await checkout(api, bo, "pro", "pro-1")
    fake.hold()
    try:
        await pay(session)
        subscription = fake.checkout_sessions[session["session_id"]]["subscription"]
        await fake.end_trial(subscription)
        await fake.renew(subscription, payment_ok=False)  # the first renewal's card fails
    finally:
        deliveries = await fake.release(reorder=True, duplicate=True, seed=3)
    assert all(d.ok for d in deliveries), [(d.type, d.status) for d in deliveries]

    async def past_due() -> bool:
        page = await billing_page(api, bo)
        return (page["plan"]["id"], page["status"]) == ("pro", "past_due")

    await eventually(past_due, timeout=10)
    page = await billing_page(api, bo)
    assert page["grace_until"] is not None  # the plan holds while Stripe retries the card


async def test_forged_and_stale_signatures_are_refused_and_change_nothing(
    api: httpx.AsyncClient, account: NewAccount, system: System
) -> None:
    fake = stripe_of(system)
    cy = await account("cy")
    session = await checkout(api, cy, "starter", "starter-1")
    await pay(session)
    await eventually(lambda: _plan_is(api, cy, "starter"), timeout=10)
    # Billing reads the subscription back for every event: let the checkout's last ones be
    # handled before the subscription ends, or they would (rightly) see it ended.
    await eventually(lambda: _all_handled(system, fake), timeout=10)
    subscription = fake.checkout_sessions[session["session_id"]]["subscription"]
    fake.hold()
    await fake.delete(subscription)  # its event would return the account to Free...
    deleted = fake.events[-1]
    assert deleted["type"] == "customer.subscription.deleted"
    forged = await fake.send_event(deleted["id"], forged=True)
    stale = await fake.send_event(deleted["id"], stale=True)
    assert forged
    assert stale
    assert {d.status for d in forged + stale} == {401}  # refused at the gateway, every retry
    assert (await billing_page(api, cy))["plan"]["id"] == "starter"  # ...but none got through
    released = await fake.release()  # the genuine delivery of the same event
    assert [d.status for d in released] == [200]
    await eventually(lambda: _plan_is(api, cy, "free"), timeout=10)


async def _plan_is(api: httpx.AsyncClient, who: Account, plan: str) -> bool:
    page = await billing_page(api, who)
    return bool(page["plan"]["id"] == plan)


async def _all_handled(system: System, fake: FakeStripe) -> bool:
    """Every event the fake emitted so far is in billing's log of handled Stripe events."""
    await fake.delivered()
    wanted = {e["id"] for e in fake.events}
    async with system.billing.engine.connect() as raw:
        conn = await in_schema(raw, system.billing.schema)
        handled = set(await conn.scalars(sa.select(stripe_events.c.event_id)))
    return wanted <= handled
