"""Composition root of the billing service: settings, then the service kit, then run.

Nothing connects at import time; `build` wires everything and hands it to the runner:
- accounts (one per organization, on `billing.evt.<org>.account`) with their read model, the
  effects of each change (entitlements in KV for every workspace, the grace timer) and the
  commands that change them (workspace registration, grace checks);
- Stripe's webhooks (from the gateway's ingress) and its sessions and invoices, when a key is set;
- the usage meter (`handlers.meter`);
- the queries the gateway asks.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from parley.billing import __version__
from parley.billing.adapters.account_store import AccountStore
from parley.billing.adapters.entitlements_store import EntitlementsStore
from parley.billing.adapters.stripe_api import StripeApi
from parley.billing.domain.catalog import load_catalog
from parley.billing.handlers import account_commands, account_effects, meter, stripe_webhooks
from parley.billing.handlers.account_commands import AccountCommands
from parley.billing.handlers.account_effects import AccountEffects
from parley.billing.handlers.account_read_model import CONSUMER as ACCOUNTS_CONSUMER
from parley.billing.handlers.account_read_model import AccountReadModel
from parley.billing.handlers.billing_queries import BillingQueries
from parley.billing.handlers.stripe_webhooks import StripeWebhooks
from parley.billing.handlers.subscription_sync import SubscriptionSync
from parley.billing.settings import BillingSettings
from parley.contracts.billing.queries import (
    ChangeAccount,
    CreateCheckout,
    CreatePortal,
    GetAccount,
    ListInvoices,
    ListPlans,
)
from parley.contracts.streams import INGRESS
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "billing"
DESCRIPTION = "Parley billing service: plans, usage metering, quotas and Stripe."
MIGRATIONS = Path(__file__).with_name("migrations")


def build(settings: BillingSettings | None = None) -> Service:
    """The service, wired; settings come from the environment unless given (tests)."""
    config = settings or load_settings(BillingSettings)
    catalog = load_catalog(config.plan_catalog).with_prices(config.stripe_prices)
    service = Service(
        name=NAME,
        version=__version__,
        settings=config,
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )
    # billing reads the gateway's Stripe ingress; it creates that stream (from the one
    # catalog) if it starts first.
    service.streams = (*service.streams, INGRESS)
    accounts = AccountStore(service.nc, catalog, timedelta(days=config.grace_days))
    stripe = (
        StripeApi(config.stripe_api_key.get_secret_value(), config.stripe_api_base)
        if config.stripe_api_key is not None and config.stripe_enabled
        else None
    )
    sync = SubscriptionSync(accounts, stripe) if stripe is not None else None

    service.add_projection(AccountReadModel(), ACCOUNTS_CONSUMER)
    effects = AccountEffects(
        service.nc, service.engine, service.schema, accounts, EntitlementsStore(service.nc, catalog)
    )
    service.add_consumer(account_effects.CONSUMER, effects.handle)

    async def refresh(_: Service) -> None:
        await effects.refresh_all()

    service.on_start.append(refresh)
    commands = AccountCommands(accounts, sync)
    service.add_consumer(account_commands.REGISTRATIONS, commands.handle)
    service.add_consumer(account_commands.GRACE_TIMERS, commands.handle)
    if sync is not None:
        secret = config.stripe_webhook_secret
        webhooks = StripeWebhooks(
            service.engine,
            service.schema,
            sync,
            secret.get_secret_value() if secret is not None else "",
        )
        service.add_consumer(stripe_webhooks.CONSUMER, webhooks.handle)
    meter.wire(service)

    queries = BillingQueries(service.nc, service.engine, service.schema, accounts, stripe)
    service.add_query("list-plans", ListPlans, queries.list_plans)
    service.add_query("get-account", GetAccount, queries.get_account)
    service.add_query("change-account", ChangeAccount, queries.change_account)
    service.add_query("create-checkout", CreateCheckout, queries.create_checkout)
    service.add_query("create-portal", CreatePortal, queries.create_portal)
    service.add_query("list-invoices", ListInvoices, queries.list_invoices)
    return service


def main() -> None:
    run_service(build())
