"""Brings an account up to date with its Stripe subscription as Stripe has it now.

Whatever event prompted it (a webhook of any type, in any order, or the grace timer), the
subscription is read back and the account decided on that: state, not event order.
"""

from __future__ import annotations

from datetime import UTC, datetime

from parley.billing.adapters.account_store import AccountStore
from parley.billing.adapters.stripe_api import StripeApi
from parley.billing.domain.account import ApplySubscription
from parley.billing.domain.subscriptions import facts_of
from parley.contracts.envelope import Envelope


class SubscriptionSync:
    def __init__(self, accounts: AccountStore, stripe: StripeApi) -> None:
        self._accounts = accounts
        self._stripe = stripe

    async def sync(
        self, organization_id: str, subscription_id: str, reason: str, cause: Envelope
    ) -> None:
        """Raises StripeUnavailable when Stripe cannot answer (the caller retries later)."""
        found = await self._stripe.subscription(subscription_id)
        facts = facts_of(found) if found is not None else None
        await self._accounts.change(
            organization_id,
            ApplySubscription(
                subscription_id=subscription_id,
                facts=facts,
                reason=reason,
                at=datetime.now(UTC),
            ),
            cause,
        )
