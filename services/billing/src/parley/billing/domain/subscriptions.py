"""What billing keeps of a Stripe subscription, read from the object as Stripe returns it.

In the API version we pin (2026-10-28) the billing period lives on the subscription's items,
not on the subscription (platform-facts §B2); the plan is the first item's price.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class SubscriptionFacts:
    customer_id: str
    status: (
        str  # active, trialing, incomplete, incomplete_expired, past_due, canceled, unpaid, paused
    )
    price_id: str
    period_start: datetime | None
    period_end: datetime | None
    cancel_at_period_end: bool
    trial_end: datetime | None
    organization_id: str  # from the subscription's metadata, "" when absent


def _time(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, int | float) else None


def _id(value: Any) -> str:
    """An expandable field: an id, or the expanded object."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get("id", ""))
    return ""


def facts_of(subscription: Mapping[str, Any]) -> SubscriptionFacts:
    items = subscription.get("items") or {}
    data = items.get("data") if isinstance(items, Mapping) else None
    first: Mapping[str, Any] = data[0] if isinstance(data, list) and data else {}
    price = first.get("price") or {}
    metadata = subscription.get("metadata") or {}
    return SubscriptionFacts(
        customer_id=_id(subscription.get("customer")),
        status=str(subscription.get("status", "")),
        price_id=_id(price),
        period_start=_time(first.get("current_period_start")),
        period_end=_time(first.get("current_period_end")),
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end", False)),
        trial_end=_time(subscription.get("trial_end")),
        organization_id=str(metadata.get("organization_id", "")),
    )


@dataclass(frozen=True)
class EventRefs:
    """Where a Stripe event points: the organization and the subscription it concerns."""

    organization_id: str
    customer_id: str
    subscription_id: str


def refs_of(event: Mapping[str, Any]) -> EventRefs:
    """Read the organization, customer and subscription ids an event's object names, for the
    event types billing handles (checkout sessions, subscriptions, invoices)."""
    obj: Mapping[str, Any] = (event.get("data") or {}).get("object") or {}
    kind = obj.get("object")
    metadata: Mapping[str, Any] = obj.get("metadata") or {}
    org = str(metadata.get("organization_id", ""))
    if kind == "checkout.session":
        return EventRefs(
            organization_id=str(obj.get("client_reference_id") or org),
            customer_id=_id(obj.get("customer")),
            subscription_id=_id(obj.get("subscription")),
        )
    if kind == "subscription":
        return EventRefs(org, _id(obj.get("customer")), str(obj.get("id", "")))
    if kind == "invoice":
        parent: Mapping[str, Any] = obj.get("parent") or {}
        details: Mapping[str, Any] = parent.get("subscription_details") or {}
        details_meta: Mapping[str, Any] = details.get("metadata") or {}
        return EventRefs(
            organization_id=str(details_meta.get("organization_id", "") or org),
            customer_id=_id(obj.get("customer")),
            subscription_id=_id(details.get("subscription")),
        )
    return EventRefs(org, _id(obj.get("customer")), "")
