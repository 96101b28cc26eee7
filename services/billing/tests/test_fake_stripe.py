"""The fake Stripe answers stripe-python 16.1 like Stripe (platform-facts §B, §D) over real HTTP.

Every API call here goes through the real `stripe.StripeClient`, so form encoding, typed object
construction, idempotency keys, retries and the error mapping are the library's own.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import stripe
from aiohttp import web
from stripe.params.checkout import SessionCreateParamsSubscriptionData

from parley.billing.testing import FakeStripe
from parley.billing.testing.forms import parse_form
from parley.runtime.testing.plugin import eventually

KEY = "sk_test_fake"
SECRET = "whsec_test"
SUCCESS = "https://app.example/billing/done?session={CHECKOUT_SESSION_ID}"
CANCEL = "https://app.example/billing"


@dataclass
class Receiver:
    """A webhook endpoint that checks signatures the way our billing service must."""

    url: str = ""
    fail_first: int = 0
    received: list[tuple[bytes, str]] = field(default_factory=list)
    verified: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        header = request.headers.get("Stripe-Signature", "")
        self.received.append((body, header))
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=503)
        try:
            stripe.WebhookSignature.verify_header(body.decode(), header, SECRET, tolerance=300)
        except stripe.SignatureVerificationError as error:
            self.rejected.append(str(error))
            return web.Response(status=400)
        self.verified.append(json.loads(body))
        return web.Response(status=200)

    @property
    def verified_ids(self) -> list[str]:
        return [event["id"] for event in self.verified]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    endpoint = Receiver()
    app = web.Application()
    app.router.add_post("/webhooks/stripe", endpoint.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    endpoint.url = f"http://{host}:{port}/webhooks/stripe"
    yield endpoint
    await runner.cleanup()


@pytest.fixture
async def fake(receiver: Receiver) -> AsyncIterator[FakeStripe]:
    async with FakeStripe(KEY, webhook_url=receiver.url, webhook_secret=SECRET) as stripe_fake:
        yield stripe_fake


def client_for(fake: FakeStripe, *, key: str = KEY, retries: int = 2) -> stripe.StripeClient:
    return stripe.StripeClient(
        key, base_addresses={"api": fake.base_url}, max_network_retries=retries
    )


@pytest.fixture
def client(fake: FakeStripe) -> stripe.StripeClient:
    return client_for(fake)


async def checkout(
    client: stripe.StripeClient,
    price: str = "price_starter_monthly",
    trial_days: int | None = None,
) -> tuple[stripe.Customer, stripe.checkout.Session]:
    customer = await client.v1.customers.create_async(
        params={"email": "owner@acme.test", "name": "Acme", "metadata": {"organization_id": "o1"}}
    )
    subscription_data: SessionCreateParamsSubscriptionData = {
        "metadata": {"organization_id": "o1", "plan": "starter"}
    }
    if trial_days is not None:
        subscription_data["trial_period_days"] = trial_days
    session = await client.v1.checkout.sessions.create_async(
        params={
            "mode": "subscription",
            "customer": customer.id,
            "line_items": [{"price": price, "quantity": 1}],
            "success_url": SUCCESS,
            "cancel_url": CANCEL,
            "client_reference_id": "o1",
            "metadata": {"organization_id": "o1"},
            "subscription_data": subscription_data,
        }
    )
    return customer, session


# -- objects ------------------------------------------------------------------------------------


async def test_a_completed_checkout_reads_back_as_typed_objects_in_the_current_shapes(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    customer, session = await checkout(client)
    assert isinstance(session, stripe.checkout.Session)
    assert session.status == "open"
    assert session.url == f"{fake.base_url}/checkout/{session.id}"
    assert session.subscription is None

    sub_json = await fake.complete_checkout(session.id)

    done = await client.v1.checkout.sessions.retrieve_async(session.id)
    assert (done.status, done.payment_status, done.subscription) == (
        "complete",
        "paid",
        sub_json["id"],
    )
    assert done.client_reference_id == "o1"
    sub = await client.v1.subscriptions.retrieve_async(sub_json["id"])
    assert isinstance(sub, stripe.Subscription)
    assert (sub.status, sub.customer, sub.cancel_at_period_end) == ("active", customer.id, False)
    assert sub.metadata.to_dict() == {"organization_id": "o1", "plan": "starter"}
    item = sub["items"].data[0]
    assert isinstance(item, stripe.SubscriptionItem)
    assert item.price.id == "price_starter_monthly"
    assert item.price.unit_amount == 2900
    assert item.current_period_end > item.current_period_start >= sub.created
    assert "current_period_end" not in sub  # periods live on the items in this API version

    invoices = await client.v1.invoices.list_async(params={"customer": customer.id})
    assert [invoice.id for invoice in invoices.data] == [sub.latest_invoice]
    invoice = invoices.data[0]
    assert isinstance(invoice, stripe.Invoice)
    assert (invoice.status, invoice.amount_paid, invoice.billing_reason) == (
        "paid",
        2900,
        "subscription_create",
    )
    assert invoice.parent is not None
    assert invoice.parent.subscription_details is not None
    assert invoice.parent.subscription_details.subscription == sub.id
    assert "subscription" not in invoice
    assert invoice.lines.data[0].period.end == item.current_period_end

    types = [event["type"] for event in fake.events]
    assert types == ["checkout.session.completed", "customer.subscription.created", "invoice.paid"]
    event = await client.v1.events.retrieve_async(fake.events[2]["id"])
    assert isinstance(event, stripe.Event)
    assert event.api_version == "2026-10-28.endive"
    assert event.data.object["id"] == invoice.id


async def test_expand_replaces_an_id_with_its_object(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    _, session = await checkout(client)
    sub_json = await fake.complete_checkout(session.id)
    sub = await client.v1.subscriptions.retrieve_async(
        sub_json["id"], params={"expand": ["latest_invoice"]}
    )
    assert isinstance(sub.latest_invoice, stripe.Invoice)
    assert sub.latest_invoice.status == "paid"


async def test_a_trial_starts_free_and_its_end_bills_the_plan(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    _, session = await checkout(client, trial_days=14)
    sub = await fake.complete_checkout(session.id)
    assert sub["status"] == "trialing"
    assert sub["trial_end"] - sub["trial_start"] == 14 * 86400
    first = fake.invoices[sub["latest_invoice"]]
    assert (first["status"], first["amount_paid"]) == ("paid", 0)

    ended = await fake.end_trial(sub["id"])
    assert ended["status"] == "active"
    assert fake.invoices[ended["latest_invoice"]]["amount_paid"] == 2900
    assert ended["items"]["data"][0]["current_period_start"] == sub["trial_end"]


# -- errors, idempotency and retries --------------------------------------------------------------


async def test_a_bad_key_is_refused_with_an_authentication_error(fake: FakeStripe) -> None:
    with pytest.raises(stripe.AuthenticationError, match="Invalid API Key provided"):
        await client_for(fake, key="sk_test_wrong_key_123").v1.customers.create_async(
            params={"email": "a@b.test"}
        )
    assert fake.customers == {}


async def test_unknown_ids_and_missing_params_name_the_param(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        await client.v1.subscriptions.retrieve_async("sub_x")
    assert (missing.value.http_status, missing.value.code, missing.value.param) == (
        404,
        "resource_missing",
        "id",
    )
    assert "No such subscription: 'sub_x'" in str(missing.value)
    with pytest.raises(stripe.InvalidRequestError) as invalid:
        await client.v1.checkout.sessions.create_async(
            params={"mode": "subscription", "line_items": [{"price": "price_pro_monthly"}]}
        )
    assert (invalid.value.http_status, invalid.value.param) == (400, "success_url")
    with pytest.raises(stripe.InvalidRequestError) as price:
        await client.v1.checkout.sessions.create_async(
            params={
                "mode": "subscription",
                "line_items": [{"price": "price_nope"}],
                "success_url": SUCCESS,
                "cancel_url": CANCEL,
            }
        )
    assert price.value.param == "line_items[0][price]"


async def test_an_idempotency_key_replays_the_first_answer_and_refuses_other_params(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    params: stripe.params.CustomerCreateParams = {"email": "a@b.test", "metadata": {"o": "1"}}
    first = await client.v1.customers.create_async(params, {"idempotency_key": "signup-o1"})
    again = await client.v1.customers.create_async(params, {"idempotency_key": "signup-o1"})
    assert again.id == first.id
    assert len(fake.customers) == 1
    assert [r.replayed for r in fake.requests] == [False, True]

    with pytest.raises(stripe.IdempotencyError, match="same parameters"):
        await client.v1.customers.create_async(
            {"email": "other@b.test"}, {"idempotency_key": "signup-o1"}
        )
    assert len(fake.customers) == 1


async def test_every_post_carries_an_idempotency_key(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    customer, _ = await checkout(client)
    await client.v1.customers.update_async(customer.id, params={"name": "Acme Ltd"})
    posts = [r for r in fake.requests if r.method == "POST"]
    assert len(posts) == 3
    assert all(r.idempotency_key for r in posts)
    assert len({r.idempotency_key for r in posts}) == 3


async def test_an_injected_500_is_retried_by_the_library_and_creates_once(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    fake.fail_next("POST", "/v1/customers", status=500)
    customer = await client.v1.customers.create_async(params={"email": "a@b.test"})
    assert list(fake.customers) == [customer.id]
    attempts = [r for r in fake.requests if r.path == "/v1/customers"]
    assert [r.status for r in attempts] == [500, 200]
    assert attempts[0].idempotency_key == attempts[1].idempotency_key


async def test_a_500_after_execution_is_saved_and_replayed_to_the_retry(
    fake: FakeStripe,
) -> None:
    client = client_for(fake, retries=1)
    fake.fail_next("POST", "/v1/customers", status=500, executed=True)
    with pytest.raises(stripe.APIError):
        await client.v1.customers.create_async(params={"email": "a@b.test"})
    assert len(fake.customers) == 1  # it ran once; the retry got the saved 500
    assert [(r.status, r.replayed) for r in fake.requests] == [(500, False), (500, True)]


async def test_should_retry_false_stops_the_library_retrying(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    fake.fail_next("POST", "/v1/customers", status=500, should_retry=False)
    with pytest.raises(stripe.APIError):
        await client.v1.customers.create_async(params={"email": "a@b.test"})
    assert len(fake.requests) == 1
    assert fake.customers == {}


# -- subscriptions change -------------------------------------------------------------------------


async def test_a_failed_renewal_makes_the_subscription_past_due(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    customer, session = await checkout(client)
    sub = await fake.complete_checkout(session.id)
    period_end = sub["items"]["data"][0]["current_period_end"]

    await fake.renew(sub["id"], payment_ok=False)
    await fake.delivered()

    renewed = await client.v1.subscriptions.retrieve_async(sub["id"])
    assert renewed.status == "past_due"
    assert renewed["items"].data[0].current_period_start == period_end
    invoices = await client.v1.invoices.list_async(params={"customer": customer.id, "limit": 1})
    assert invoices.has_more is True
    latest = invoices.data[0]
    assert (latest.id, latest.status, latest.billing_reason, latest.amount_paid) == (
        renewed.latest_invoice,
        "open",
        "subscription_cycle",
        0,
    )
    older = await client.v1.invoices.list_async(
        params={"customer": customer.id, "starting_after": latest.id}
    )
    assert [i.billing_reason for i in older.data] == ["subscription_create"]
    assert older.has_more is False
    types = [event["type"] for event in receiver.verified]
    assert types[-2:] == ["invoice.payment_failed", "customer.subscription.updated"]
    updated = receiver.verified[-1]["data"]
    assert updated["previous_attributes"]["status"] == "active"
    assert updated["object"]["status"] == "past_due"


async def test_plan_change_cancel_and_delete_through_the_api(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    customer, session = await checkout(client)
    sub_id = (await fake.complete_checkout(session.id))["id"]

    changed = await client.v1.subscriptions.update_async(
        sub_id,
        params={"items": [{"price": "price_pro_monthly"}], "cancel_at_period_end": True},
    )
    assert changed["items"].data[0].price.id == "price_pro_monthly"
    assert changed.cancel_at_period_end is True
    assert changed.cancel_at == changed["items"].data[0].current_period_end
    update = fake.events_of("customer.subscription.updated")[-1]
    assert update["request"]["idempotency_key"] == fake.requests[-1].idempotency_key
    previous = update["data"]["previous_attributes"]
    assert previous["cancel_at_period_end"] is False
    assert previous["items"]["data"][0]["price"]["id"] == "price_starter_monthly"

    canceled = await client.v1.subscriptions.cancel_async(sub_id)
    assert canceled.status == "canceled"
    assert fake.events[-1]["type"] == "customer.subscription.deleted"
    default = await client.v1.subscriptions.list_async(params={"customer": customer.id})
    assert default.data == []
    everything = await client.v1.subscriptions.list_async(
        params={"customer": customer.id, "status": "all"}
    )
    assert [s.id for s in everything.data] == [sub_id]


async def test_renewing_a_subscription_set_to_cancel_ends_it(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    _, session = await checkout(client, price="price_agency_monthly")
    sub = await fake.complete_checkout(session.id)
    await fake.cancel(sub["id"], at_period_end=True)
    ended = await fake.renew(sub["id"])
    assert ended["status"] == "canceled"
    assert fake.clock.now == sub["items"]["data"][0]["current_period_end"]
    assert [e["type"] for e in fake.events[-2:]] == [
        "customer.subscription.updated",
        "customer.subscription.deleted",
    ]
    assert len(fake.invoices) == 1  # no invoice for a period that never starts


# -- webhooks -------------------------------------------------------------------------------------


async def test_deliveries_are_signed_over_the_exact_bytes_and_arrive_in_order(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    _, session = await checkout(client)
    await fake.complete_checkout(session.id)
    await fake.delivered()
    assert receiver.verified_ids == [event["id"] for event in fake.events]
    assert receiver.rejected == []
    for body, header in receiver.received:
        event = stripe.Webhook.construct_event(body, header, SECRET, tolerance=300)
        assert isinstance(event, stripe.Event)
    assert all(d.status == 200 and d.signature == "valid" for d in fake.deliveries)


async def test_stale_and_forged_deliveries_fail_verification(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    _, session = await checkout(client)
    await fake.complete_checkout(session.id)
    await fake.delivered()
    event_id = fake.events[0]["id"]

    stale = await fake.send_event(event_id, stale=True)
    assert receiver.rejected[-1].startswith("Timestamp outside the tolerance zone")
    forged = await fake.send_event(event_id, forged=True)
    assert (
        receiver.rejected[-1] == "No signatures found matching the expected signature for payload"
    )
    # Refused deliveries are retried, each attempt recorded.
    assert [(d.signature, d.status, d.attempt) for d in stale + forged] == [
        ("stale", 400, 1),
        ("stale", 400, 2),
        ("stale", 400, 3),
        ("forged", 400, 1),
        ("forged", 400, 2),
        ("forged", 400, 3),
    ]
    stale_body, stale_header = receiver.received[-4]
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(stale_body.decode(), stale_header, SECRET, 300)
    # The stale signature itself is valid: without the age check it passes.
    assert stripe.WebhookSignature.verify_header(stale_body.decode(), stale_header, SECRET, 0)


async def test_a_failing_endpoint_gets_the_event_again(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    _, session = await checkout(client)
    await fake.complete_checkout(session.id)
    await fake.delivered()
    first = fake.events[0]["id"]
    assert [(d.status, d.attempt) for d in fake.deliveries if d.event_id == first] == [
        (503, 1),
        (503, 2),
        (200, 3),
    ]
    assert receiver.verified_ids == [event["id"] for event in fake.events]


async def test_held_events_are_released_reordered_or_duplicated(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    _, session = await checkout(client)
    fake.hold()
    await fake.complete_checkout(session.id)
    await fake.delivered()
    assert receiver.received == []
    generated = [event["id"] for event in fake.events]

    await fake.release(reorder=True, seed=7)
    assert sorted(receiver.verified_ids) == sorted(generated)
    assert receiver.verified_ids != generated

    fake.hold()
    sub_id = fake.events[1]["data"]["object"]["id"]
    await fake.renew(sub_id)
    renewal = [event["id"] for event in fake.events[3:]]
    await fake.release(duplicate=True)
    assert receiver.verified_ids[3:] == [renewal[0], renewal[0], renewal[1], renewal[1]]


async def test_events_are_delivered_in_the_background_without_being_awaited(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    _, session = await checkout(client)
    await fake.complete_checkout(session.id)
    await eventually(lambda: len(receiver.verified) == 3)


# -- hosted pages ---------------------------------------------------------------------------------


async def test_the_hosted_checkout_page_pays_and_redirects_to_success(
    fake: FakeStripe, client: stripe.StripeClient, receiver: Receiver
) -> None:
    customer, session = await checkout(client, price="price_pro_monthly")
    assert session.url is not None
    async with aiohttp.ClientSession() as browser:
        async with browser.get(session.url) as page:
            html = await page.text()
            assert page.status == 200
        assert "$99.00" in html
        assert "Pay with a failing card" in html
        pay = f"{fake.base_url}/checkout/{session.id}/pay"
        async with browser.post(pay, data={"outcome": "success"}, allow_redirects=False) as paid:
            assert paid.status == 303
            assert paid.headers["Location"] == SUCCESS.replace("{CHECKOUT_SESSION_ID}", session.id)

    subs = await client.v1.subscriptions.list_async(params={"customer": customer.id})
    assert [(s.status, s["items"].data[0].price.id) for s in subs.data] == [
        ("active", "price_pro_monthly")
    ]
    await fake.delivered()
    assert receiver.verified[0]["type"] == "checkout.session.completed"


async def test_paying_with_a_failing_card_leaves_an_incomplete_subscription(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    customer, session = await checkout(client)
    async with aiohttp.ClientSession() as browser:
        pay = f"{fake.base_url}/checkout/{session.id}/pay"
        async with browser.post(pay, data={"outcome": "fail"}, allow_redirects=False) as paid:
            assert paid.status == 303
    subs = await client.v1.subscriptions.list_async(params={"customer": customer.id})
    assert [s.status for s in subs.data] == ["incomplete"]
    assert fake.events[-1]["type"] == "invoice.payment_failed"


async def test_the_portal_lists_subscriptions_and_cancels_at_period_end(
    fake: FakeStripe, client: stripe.StripeClient
) -> None:
    customer, session = await checkout(client)
    sub_id = (await fake.complete_checkout(session.id))["id"]
    portal = await client.v1.billing_portal.sessions.create_async(
        params={"customer": customer.id, "return_url": "https://app.example/settings"}
    )
    assert isinstance(portal, stripe.billing_portal.Session)
    assert portal.url == f"{fake.base_url}/portal/{portal.id}"
    async with aiohttp.ClientSession() as browser:
        async with browser.get(portal.url) as page:
            html = await page.text()
        assert sub_id in html
        assert "Cancel at period end" in html
        assert "https://app.example/settings" in html
        cancel = f"{fake.base_url}/portal/{portal.id}/subscriptions/{sub_id}/cancel"
        async with browser.post(cancel, allow_redirects=False) as done:
            assert done.status == 303
    sub = await client.v1.subscriptions.retrieve_async(sub_id)
    assert sub.cancel_at_period_end is True
    assert fake.events[-1]["type"] == "customer.subscription.updated"


# -- the form encoding ----------------------------------------------------------------------------


def test_bracketed_form_fields_nest_into_dicts_and_lists() -> None:
    form = (
        "metadata[organization_id]=o1&line_items[0][price]=price_x&line_items[0][quantity]=2"
        "&subscription_data[metadata][k]=v&expand[]=a&expand[]=b.c&email=a%40b.test&name="
    )
    assert parse_form(form) == {
        "metadata": {"organization_id": "o1"},
        "line_items": [{"price": "price_x", "quantity": "2"}],
        "subscription_data": {"metadata": {"k": "v"}},
        "expand": ["a", "b.c"],
        "email": "a@b.test",
        "name": "",
    }
