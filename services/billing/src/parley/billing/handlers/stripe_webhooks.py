"""Stripe's webhooks, as the gateway stored them verified on `ingress.stripe.events`.

Each event is handled once (its id is kept in `stripe_events` once handled; a duplicate is
passed over) and never trusted for the state it describes: the subscription it concerns is read
back from Stripe and the account decided on that, so duplicated, reordered and stale deliveries
all end in Stripe's current state. The signature is checked again here (without the age check,
which the gateway made on arrival), so nothing else publishing on the ingress subject can
change an account. Stripe unreachable: the message is retried with backoff.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import sqlalchemy as sa
import stripe
from nats.aio.msg import Msg
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.billing.adapters.tables import accounts, in_schema, stripe_events
from parley.billing.domain.subscriptions import refs_of
from parley.billing.handlers.subscription_sync import SubscriptionSync
from parley.contracts.billing.commands import SyncSubscription
from parley.contracts.envelope import Envelope
from parley.contracts.ingress import STRIPE_SIGNATURE_HEADER, stripe_ingress_subject
from parley.contracts.streams import INGRESS
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.logs import get_logger

log = get_logger("parley.billing.stripe")

CONSUMER = ConsumerSpec(
    stream=INGRESS.name,
    durable="billing-stripe-webhooks",
    filter_subjects=(stripe_ingress_subject(),),
    max_deliver=30,
    backoff=(1.0, 5.0, 30.0, 120.0, 600.0),
)
# The events whose object names a subscription to read back. Others are recorded and ignored.
HANDLED = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "customer.subscription.created",
        "customer.subscription.updated",
        "customer.subscription.deleted",
        "customer.subscription.paused",
        "customer.subscription.resumed",
        "customer.subscription.trial_will_end",
        "invoice.paid",
        "invoice.payment_failed",
        "invoice.payment_action_required",
    }
)


class StripeWebhooks:
    def __init__(
        self, engine: AsyncEngine, schema: str, sync: SubscriptionSync, webhook_secret: str
    ) -> None:
        self._engine = engine
        self._schema = schema
        self._sync = sync
        self._secret = webhook_secret

    async def handle(self, msg: Msg) -> None:
        body = msg.data.decode("utf-8", errors="replace")
        if self._secret:
            header = (msg.headers or {}).get(STRIPE_SIGNATURE_HEADER, "")
            try:
                stripe.WebhookSignature.verify_header(body, header, self._secret, tolerance=None)
            except stripe.SignatureVerificationError as err:
                log.warning("stripe event with a bad signature passed over", error=str(err))
                return
        try:
            event: dict[str, Any] = json.loads(body)
            event_id, kind = str(event["id"]), str(event["type"])
            created = datetime.fromtimestamp(int(event.get("created", 0)), UTC)
        except (ValueError, KeyError, TypeError) as err:
            log.warning("unreadable stripe event passed over", error=str(err))
            return
        if await self._handled(event_id):
            return
        refs = refs_of(event)
        org = refs.organization_id or await self._organization_of(
            refs.customer_id, refs.subscription_id
        )
        if kind not in HANDLED:
            outcome = f"ignored: {kind} is not an event billing acts on"
        elif not org:
            outcome = "ignored: no organization for its customer or subscription"
        elif not refs.subscription_id:
            outcome = "ignored: it names no subscription"
        else:
            command = SyncSubscription(
                organization_id=org,
                subscription_id=refs.subscription_id,
                stripe_event_id=event_id,
                stripe_event_type=kind,
            )
            # The same Stripe event always yields the same event ids: a redelivery is a no-op.
            cause = Envelope.wrap(
                command, workspace_id=org, event_id=uuid5(NAMESPACE_URL, f"stripe:{event_id}")
            )
            await self._sync.sync(org, refs.subscription_id, f"stripe {kind}", cause)
            outcome = "applied"
        await self._record(event_id, kind, created, org, outcome)
        log.info("stripe event handled", event_id=event_id, type=kind, outcome=outcome)

    async def _handled(self, event_id: str) -> bool:
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            found = await conn.scalar(
                sa.select(stripe_events.c.event_id).where(stripe_events.c.event_id == event_id)
            )
        return found is not None

    async def _organization_of(self, customer_id: str, subscription_id: str) -> str:
        clauses = []
        if customer_id:
            clauses.append(accounts.c.stripe_customer == customer_id)
        if subscription_id:
            clauses.append(accounts.c.stripe_subscription == subscription_id)
        if not clauses:
            return ""
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            found = await conn.scalar(
                sa.select(accounts.c.organization_id).where(sa.or_(*clauses)).limit(1)
            )
        return str(found or "")

    async def _record(
        self, event_id: str, kind: str, created: datetime, org: str, outcome: str
    ) -> None:
        async with self._engine.begin() as raw:
            conn = await in_schema(raw, self._schema)
            await conn.execute(
                insert(stripe_events)
                .values(
                    event_id=event_id,
                    type=kind,
                    created=created,
                    organization_id=org,
                    outcome=outcome,
                    handled_at=datetime.now(UTC),
                )
                .on_conflict_do_nothing()
            )
