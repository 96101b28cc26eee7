"""One Stripe test-mode account in memory: its objects, their state changes and the events.

Both the HTTP endpoints and the simulation methods of `FakeStripe` change state only through
this class, so a change made by an API call and one made by "Stripe itself" (a renewal, a failed
charge) produce the same objects and the same events (platform-facts §B2 shapes, API version
2026-10-28: periods on subscription items, the invoice's subscription under `parent`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from parley.billing.testing.forms import merge_metadata, string_map, to_bool, to_int
from parley.billing.testing.stripe_objects import (
    API_VERSION,
    Clock,
    Json,
    Price,
    StripeError,
    add_month,
    list_object,
    missing,
    new_id,
    required,
)
from parley.billing.testing.stripe_shapes import invoice_shape, subscription_shape

SUBSCRIPTION_STATUSES = (
    "active",
    "trialing",
    "incomplete",
    "incomplete_expired",
    "past_due",
    "canceled",
    "unpaid",
    "paused",
)
_ENDED = ("canceled", "incomplete_expired")
_DAY = 86400


@dataclass(frozen=True)
class _CheckoutAsk:
    """What a checkout session will create; Stripe does not echo `subscription_data` back."""

    price: Price
    quantity: int
    trial_days: int
    subscription_metadata: dict[str, str]


@dataclass(frozen=True)
class _Request:
    id: str | None
    idempotency_key: str | None


class StripeAccount:
    """The objects of one account and every transition between their states."""

    def __init__(
        self,
        prices: Mapping[str, Price],
        clock: Clock,
        base_url: Callable[[], str],
        on_event: Callable[[Json], None],
    ) -> None:
        self.prices = dict(prices)
        self.clock = clock
        self._base_url = base_url
        self._on_event = on_event
        self.customers: dict[str, Json] = {}
        self.checkout_sessions: dict[str, Json] = {}
        self.portal_sessions: dict[str, Json] = {}
        self.subscriptions: dict[str, Json] = {}
        self.invoices: dict[str, Json] = {}
        self.events: list[Json] = []
        self._asks: dict[str, _CheckoutAsk] = {}
        self._request = _Request(None, None)

    @contextmanager
    def request(self, request_id: str, idempotency_key: str | None) -> Iterator[None]:
        """Events raised inside carry the API request that caused them, as Stripe's do."""
        self._request = _Request(request_id, idempotency_key)
        try:
            yield
        finally:
            self._request = _Request(None, None)

    # -- customers ---------------------------------------------------------------------------

    def create_customer(self, params: Json) -> Json:
        customer_id = new_id("cus")
        customer: Json = {
            "id": customer_id,
            "object": "customer",
            "address": None,
            "balance": 0,
            "created": self.clock.now,
            "currency": None,
            "delinquent": False,
            "description": params.get("description"),
            "email": params.get("email"),
            "invoice_prefix": customer_id[4:12].upper(),
            "livemode": False,
            "metadata": string_map(params.get("metadata"), "metadata"),
            "name": params.get("name"),
            "phone": params.get("phone"),
            "preferred_locales": [],
        }
        self.customers[customer_id] = customer
        return customer

    def customer(self, customer_id: str, param: str = "id") -> Json:
        if customer_id not in self.customers:
            raise missing("customer", customer_id, param)
        return self.customers[customer_id]

    def update_customer(self, customer_id: str, params: Json) -> Json:
        customer = self.customer(customer_id)
        for key in ("email", "name", "description", "phone"):
            if key in params:
                customer[key] = params[key] or None
        if "metadata" in params:
            customer["metadata"] = merge_metadata(customer["metadata"], params["metadata"])
        return customer

    # -- checkout and portal sessions -------------------------------------------------------

    def create_checkout_session(self, params: Json) -> Json:
        mode = params.get("mode")
        if not mode:
            raise required("mode")
        if mode != "subscription":
            raise StripeError(400, "This fake supports only mode=subscription.", param="mode")
        for param in ("success_url", "cancel_url"):
            if not params.get(param):
                raise required(param)
        customer_id = params.get("customer")
        if customer_id:
            self.customer(customer_id, "customer")
        line_items = params.get("line_items")
        if (
            not isinstance(line_items, list)
            or not line_items
            or not isinstance(line_items[0], dict)
        ):
            raise required("line_items")
        price_id = line_items[0].get("price")
        if not price_id:
            raise required("line_items[0][price]")
        if price_id not in self.prices:
            raise missing("price", price_id, "line_items[0][price]")
        price = self.prices[price_id]
        quantity = to_int(line_items[0].get("quantity", 1), "line_items[0][quantity]")
        subscription_data = params.get("subscription_data") or {}
        if not isinstance(subscription_data, dict):
            raise StripeError(400, "Invalid hash", param="subscription_data")
        trial_days = 0
        if "trial_period_days" in subscription_data:
            trial_days = to_int(
                subscription_data["trial_period_days"], "subscription_data[trial_period_days]"
            )
            if trial_days < 1:
                raise StripeError(
                    400,
                    "Trial period days must be at least 1.",
                    param="subscription_data[trial_period_days]",
                )
        session_id = "cs_test_" + new_id("x")[2:]
        session: Json = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": price.unit_amount * quantity,
            "amount_total": price.unit_amount * quantity,
            "cancel_url": params["cancel_url"],
            "client_reference_id": params.get("client_reference_id"),
            "created": self.clock.now,
            "currency": price.currency,
            "customer": customer_id or None,
            "customer_details": None,
            "customer_email": params.get("customer_email"),
            "expires_at": self.clock.now + _DAY,
            "invoice": None,
            "livemode": False,
            "metadata": string_map(params.get("metadata"), "metadata"),
            "mode": "subscription",
            "payment_status": "unpaid",
            "status": "open",
            "subscription": None,
            "success_url": params["success_url"],
            "url": f"{self._base_url()}/checkout/{session_id}",
        }
        self.checkout_sessions[session_id] = session
        self._asks[session_id] = _CheckoutAsk(
            price,
            quantity,
            trial_days,
            string_map(subscription_data.get("metadata"), "subscription_data[metadata]"),
        )
        return session

    def checkout_session(self, session_id: str) -> Json:
        if session_id not in self.checkout_sessions:
            raise missing("checkout.session", session_id)
        return self.checkout_sessions[session_id]

    def checkout_price(self, session_id: str) -> Price:
        self.checkout_session(session_id)
        return self._asks[session_id].price

    def create_portal_session(self, params: Json) -> Json:
        customer_id = params.get("customer")
        if not customer_id:
            raise required("customer")
        self.customer(customer_id, "customer")
        session_id = new_id("bps")
        session: Json = {
            "id": session_id,
            "object": "billing_portal.session",
            "configuration": "bpc_fake",
            "created": self.clock.now,
            "customer": customer_id,
            "livemode": False,
            "locale": None,
            "return_url": params.get("return_url"),
            "url": f"{self._base_url()}/portal/{session_id}",
        }
        self.portal_sessions[session_id] = session
        return session

    def portal_session(self, session_id: str) -> Json:
        if session_id not in self.portal_sessions:
            raise missing("billing_portal.session", session_id)
        return self.portal_sessions[session_id]

    # -- reading -----------------------------------------------------------------------------

    def subscription(self, subscription_id: str) -> Json:
        if subscription_id not in self.subscriptions:
            raise missing("subscription", subscription_id)
        return self.subscriptions[subscription_id]

    def list_subscriptions(self, params: Json) -> Json:
        status = params.get("status")
        if status is not None and status not in (*SUBSCRIPTION_STATUSES, "all", "ended"):
            raise StripeError(400, f"Invalid status: {status}", param="status")
        found = []
        for sub in reversed(self.subscriptions.values()):
            if params.get("customer") and sub["customer"] != params["customer"]:
                continue
            if params.get("price") and sub["items"]["data"][0]["price"]["id"] != params["price"]:
                continue
            if status is None and sub["status"] == "canceled":
                continue  # Stripe's default listing leaves canceled subscriptions out
            if status == "ended" and sub["status"] not in _ENDED:
                continue
            if status not in (None, "all", "ended") and sub["status"] != status:
                continue
            found.append(sub)
        return list_object("/v1/subscriptions", found, params)

    def invoice(self, invoice_id: str) -> Json:
        if invoice_id not in self.invoices:
            raise missing("invoice", invoice_id)
        return self.invoices[invoice_id]

    def list_invoices(self, params: Json) -> Json:
        found = [
            invoice
            for invoice in reversed(self.invoices.values())
            if (not params.get("customer") or invoice["customer"] == params["customer"])
            and (not params.get("status") or invoice["status"] == params["status"])
            and (
                not params.get("subscription")
                or invoice["parent"]["subscription_details"]["subscription"]
                == params["subscription"]
            )
        ]
        return list_object("/v1/invoices", found, params)

    def event(self, event_id: str) -> Json:
        for event in self.events:
            if event["id"] == event_id:
                return event
        raise missing("event", event_id)

    def find(self, object_id: str) -> Json | None:
        """Any object by id, for `expand[]`."""
        for store in (
            self.customers,
            self.subscriptions,
            self.invoices,
            self.checkout_sessions,
            self.portal_sessions,
        ):
            if object_id in store:
                return store[object_id]
        return None

    # -- subscription changes through the API -------------------------------------------------

    def update_subscription(self, subscription_id: str, params: Json) -> Json:
        sub = self.subscription(subscription_id)
        if sub["status"] in _ENDED:
            raise StripeError(
                400,
                "A canceled subscription can only update its cancellation_details.",
                param="id",
            )
        before = copy.deepcopy(sub)
        if "cancel_at_period_end" in params:
            self._set_cancel_at_period_end(
                sub, to_bool(params["cancel_at_period_end"], "cancel_at_period_end")
            )
        items = params.get("items")
        if items:
            if not isinstance(items, list) or not isinstance(items[0], dict):
                raise StripeError(400, "Invalid array", param="items")
            price_id = items[0].get("price")
            if price_id:
                if price_id not in self.prices:
                    raise missing("price", price_id, "items[0][price]")
                self._set_price(sub, self.prices[price_id])
            if "quantity" in items[0]:
                sub["items"]["data"][0]["quantity"] = to_int(
                    items[0]["quantity"], "items[0][quantity]"
                )
        if "metadata" in params:
            sub["metadata"] = merge_metadata(sub["metadata"], params["metadata"])
        self._updated(sub, before)
        return sub

    def cancel_now(self, subscription_id: str) -> Json:
        sub = self.subscription(subscription_id)
        if sub["status"] in _ENDED:
            raise StripeError(
                400, f"The subscription {subscription_id} is already canceled.", param="id"
            )
        self._end(sub, "cancellation_requested")
        return sub

    # -- what Stripe does by itself (the simulation) ------------------------------------------

    def complete_checkout(self, session_id: str, *, payment_ok: bool = True) -> Json:
        session = self.checkout_session(session_id)
        if session["status"] != "open":
            raise StripeError(400, f"Checkout session {session_id} is {session['status']}.")
        ask = self._asks[session_id]
        now = self.clock.now
        if session["customer"] is None:
            email = session["customer_email"] or "customer@example.com"
            session["customer"] = self.create_customer({"email": email})["id"]
        customer = self.customers[session["customer"]]
        trialing = ask.trial_days > 0 and payment_ok
        status = "trialing" if trialing else "active" if payment_ok else "incomplete"
        period_end = now + ask.trial_days * _DAY if trialing else add_month(now)
        sub = self._new_subscription(customer["id"], ask, status, now, period_end, trialing)
        amount = 0 if trialing else ask.price.unit_amount * ask.quantity
        invoice = self._new_invoice(sub, "subscription_create", amount, payment_ok)
        sub["latest_invoice"] = invoice["id"]
        session.update(
            status="complete",
            subscription=sub["id"],
            invoice=invoice["id"],
            customer_details={"email": customer["email"], "name": customer["name"]},
            payment_status=(
                "no_payment_required" if trialing else "paid" if payment_ok else "unpaid"
            ),
        )
        self._emit("checkout.session.completed", session)
        self._emit("customer.subscription.created", sub)
        self._emit("invoice.paid" if payment_ok else "invoice.payment_failed", invoice)
        return sub

    def renew(self, subscription_id: str, *, payment_ok: bool = True) -> Json:
        """The period ends: bill the next one, or end a subscription set to cancel."""
        sub = self._live(subscription_id)
        item = sub["items"]["data"][0]
        self.clock.at_least(item["current_period_end"])
        if sub["cancel_at_period_end"]:
            self._end(sub, "cancellation_requested")
            return sub
        return self._next_period(sub, item["current_period_end"], payment_ok)

    def end_trial(self, subscription_id: str, *, payment_ok: bool = True) -> Json:
        sub = self._live(subscription_id)
        if sub["status"] != "trialing":
            raise StripeError(400, f"Subscription {subscription_id} is not trialing.")
        self.clock.at_least(sub["trial_end"])
        return self._next_period(sub, self.clock.now, payment_ok, trial_ended=True)

    def set_status(self, subscription_id: str, status: str) -> Json:
        sub = self.subscription(subscription_id)
        if status not in SUBSCRIPTION_STATUSES:
            raise ValueError(f"not a subscription status: {status}")
        if status == "canceled":
            # Stripe never just flips to canceled: the end is always customer.subscription.deleted.
            self._end(sub, "payment_failed")
            return sub
        before = copy.deepcopy(sub)
        sub["status"] = status
        self._updated(sub, before)
        return sub

    def cancel(self, subscription_id: str, *, at_period_end: bool) -> Json:
        if not at_period_end:
            return self.cancel_now(subscription_id)
        sub = self._live(subscription_id)
        before = copy.deepcopy(sub)
        self._set_cancel_at_period_end(sub, True)
        self._updated(sub, before)
        return sub

    def change_price(self, subscription_id: str, price_id: str) -> Json:
        sub = self._live(subscription_id)
        if price_id not in self.prices:
            raise missing("price", price_id, "items[0][price]")
        before = copy.deepcopy(sub)
        self._set_price(sub, self.prices[price_id])
        self._updated(sub, before)
        return sub

    # -- the pieces ---------------------------------------------------------------------------

    def _live(self, subscription_id: str) -> Json:
        sub = self.subscription(subscription_id)
        if sub["status"] in _ENDED:
            raise StripeError(400, f"Subscription {subscription_id} has ended ({sub['status']}).")
        return sub

    def _new_subscription(
        self, customer_id: str, ask: _CheckoutAsk, status: str, now: int, end: int, trial: bool
    ) -> Json:
        sub = subscription_shape(
            customer_id=customer_id,
            price=ask.price.to_json(now),
            quantity=ask.quantity,
            metadata=dict(ask.subscription_metadata),
            status=status,
            now=now,
            end=end,
            trial=trial,
        )
        self.subscriptions[sub["id"]] = sub
        return sub

    def _new_invoice(self, sub: Json, reason: str, amount: int, paid: bool) -> Json:
        customer = self.customers[sub["customer"]]
        sequence = 1 + sum(1 for i in self.invoices.values() if i["customer"] == customer["id"])
        invoice = invoice_shape(
            sub,
            customer,
            reason=reason,
            amount=amount,
            paid=paid,
            now=self.clock.now,
            sequence=sequence,
            base_url=self._base_url(),
        )
        self.invoices[invoice["id"]] = invoice
        return invoice

    def _next_period(
        self, sub: Json, start: int, payment_ok: bool, *, trial_ended: bool = False
    ) -> Json:
        before = copy.deepcopy(sub)
        item = sub["items"]["data"][0]
        item["current_period_start"] = start
        item["current_period_end"] = add_month(start)
        if trial_ended:
            sub["trial_end"] = start
        amount = item["price"]["unit_amount"] * item["quantity"]
        invoice = self._new_invoice(sub, "subscription_cycle", amount, payment_ok)
        sub["latest_invoice"] = invoice["id"]
        sub["status"] = "active" if payment_ok else "past_due"
        self._emit("invoice.paid" if payment_ok else "invoice.payment_failed", invoice)
        self._updated(sub, before)
        return sub

    def _set_cancel_at_period_end(self, sub: Json, cancel: bool) -> None:
        sub["cancel_at_period_end"] = cancel
        period_end = sub["items"]["data"][0]["current_period_end"]
        sub["cancel_at"] = period_end if cancel else None
        sub["canceled_at"] = self.clock.now if cancel else None
        reason = "cancellation_requested" if cancel else None
        sub["cancellation_details"] = {"comment": None, "feedback": None, "reason": reason}

    def _set_price(self, sub: Json, price: Price) -> None:
        item = sub["items"]["data"][0]
        item["price"] = price.to_json(self.clock.now)
        sub["currency"] = price.currency

    def _end(self, sub: Json, reason: str) -> None:
        now = self.clock.now
        sub.update(status="canceled", ended_at=now, canceled_at=sub["canceled_at"] or now)
        sub["cancellation_details"] = {"comment": None, "feedback": None, "reason": reason}
        self._emit("customer.subscription.deleted", sub)

    def _updated(self, sub: Json, before: Json) -> None:
        previous = {key: value for key, value in before.items() if sub.get(key) != value}
        if previous:
            self._emit("customer.subscription.updated", sub, previous)

    def _emit(self, type: str, obj: Json, previous: Json | None = None) -> Json:
        data: dict[str, Any] = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        event: Json = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": self.clock.now,
            "data": data,
            "livemode": False,
            "pending_webhooks": 1,
            "request": {
                "id": self._request.id,
                "idempotency_key": self._request.idempotency_key,
            },
            "type": type,
        }
        self.events.append(event)
        self._on_event(event)
        return event
