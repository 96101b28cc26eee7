"""Settings of the billing service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from parley.billing.domain.catalog import DEFAULT_CATALOG
from parley.runtime.settings import Port, ServiceSettings


class BillingSettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9105
    # The versioned plan catalog (TOML); the packaged one by default.
    plan_catalog: Path = DEFAULT_CATALOG
    # Stripe's secret key (sk_...). Unset: no Stripe; plans are assigned with `parley billing
    # assign`, and checkout, portal and invoices answer BILLING_NOT_CONFIGURED.
    stripe_api_key: SecretStr | None = None
    # Where the Stripe API is; a local fake in tests and benchmarks.
    stripe_api_base: str = Field(default="https://api.stripe.com", pattern=r"^https?://")
    # The webhook endpoint's secret (whsec_...), to check again what the gateway stored.
    stripe_webhook_secret: SecretStr | None = None
    # plan:price pairs replacing the catalog's Stripe prices ("starter:price_123,pro:price_456").
    stripe_prices: Annotated[dict[str, str], NoDecode] = {}
    # A failed renewal keeps the paid plan this long before the organization moves to the
    # default plan (Stripe keeps retrying the card meanwhile).
    grace_days: float = Field(default=7, ge=0, le=60)

    @field_validator("stripe_prices", mode="before")
    @classmethod
    def _pairs(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        pairs: dict[str, str] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            plan, sep, price = part.partition(":")
            if not sep or not plan.strip() or not price.strip():
                raise ValueError(f"expected plan:price pairs separated by commas, got {part!r}")
            pairs[plan.strip()] = price.strip()
        return pairs

    @property
    def stripe_enabled(self) -> bool:
        return self.stripe_api_key is not None and bool(self.stripe_api_key.get_secret_value())
