"""The calls billing makes to Stripe, through the stripe library's StripeClient.

Retries are on (the client's default is none): connection errors, 409, 429 and 5xx are retried
with backoff under the same Idempotency-Key. Every mutating call carries a key derived from the
business operation (`customer:<org>`, `checkout:<org>:<plan>:<attempt>`), so a retry of ours,
not only the library's, cannot create a second customer or session. Objects come back as plain
dicts, read by `domain.subscriptions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import stripe

API_VERSION = "2026-10-28.endive"  # what stripe 16 pins; the webhook endpoint uses the same
NETWORK_RETRIES = 3


class StripeUnavailable(Exception):
    """Stripe refused or could not be reached; the message is safe to show."""


@dataclass(frozen=True)
class CheckoutSession:
    session_id: str
    url: str


class StripeApi:
    def __init__(self, api_key: str, api_base: str) -> None:
        self._client = stripe.StripeClient(
            api_key,
            base_addresses={"api": api_base},
            max_network_retries=NETWORK_RETRIES,
        )

    async def create_customer(self, organization_id: str, email: str) -> str:
        params: dict[str, Any] = {"metadata": {"organization_id": organization_id}}
        if email:
            params["email"] = email
        customer = await self._call(
            self._client.v1.customers.create_async(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"customer:{organization_id}"},
            )
        )
        return str(customer["id"])

    async def create_checkout(
        self,
        *,
        organization_id: str,
        customer_id: str,
        price_id: str,
        trial_days: int,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
    ) -> CheckoutSession:
        subscription_data: dict[str, Any] = {"metadata": {"organization_id": organization_id}}
        if trial_days:
            subscription_data["trial_period_days"] = trial_days
        session = await self._call(
            self._client.v1.checkout.sessions.create_async(
                params={  # type: ignore[arg-type]
                    "mode": "subscription",
                    "customer": customer_id,
                    "line_items": [{"price": price_id, "quantity": 1}],
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                    "client_reference_id": organization_id,
                    "metadata": {"organization_id": organization_id},
                    "subscription_data": subscription_data,
                },
                options={"idempotency_key": idempotency_key},
            )
        )
        return CheckoutSession(session_id=str(session["id"]), url=str(session["url"]))

    async def create_portal(self, customer_id: str, return_url: str, idempotency_key: str) -> str:
        session = await self._call(
            self._client.v1.billing_portal.sessions.create_async(
                params={"customer": customer_id, "return_url": return_url},
                options={"idempotency_key": idempotency_key},
            )
        )
        return str(session["url"])

    async def subscription(self, subscription_id: str) -> dict[str, Any] | None:
        """The subscription as Stripe has it now; None when Stripe does not know it."""
        try:
            found = await self._client.v1.subscriptions.retrieve_async(subscription_id)
        except stripe.InvalidRequestError as err:
            if err.http_status == 404:
                return None
            raise StripeUnavailable(_message(err)) from err
        except stripe.StripeError as err:
            raise StripeUnavailable(_message(err)) from err
        return found.to_dict()

    async def invoices(
        self, customer_id: str, limit: int, starting_after: str
    ) -> tuple[list[dict[str, Any]], bool]:
        params: dict[str, Any] = {"customer": customer_id, "limit": limit}
        if starting_after:
            params["starting_after"] = starting_after
        page = await self._call(
            self._client.v1.invoices.list_async(params=params)  # type: ignore[arg-type]
        )
        return [item.to_dict() for item in page["data"]], bool(page["has_more"])

    async def _call(self, pending: Any) -> Any:
        try:
            return await pending
        except stripe.StripeError as err:
            raise StripeUnavailable(_message(err)) from err


def _message(err: stripe.StripeError) -> str:
    status = f"HTTP {err.http_status}: " if err.http_status else ""
    return f"Stripe: {status}{err.user_message or 'could not be reached'}"
