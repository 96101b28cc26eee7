"""Billing's queries: an account with its usage, the plan catalog, an operator's plan
assignment, and the Stripe sessions (Checkout, customer portal) and invoices.

The gateway names the asking workspace's organization; a workspace billing has not heard of yet
(its RegisterWorkspace still on the way, or from before billing ran) is registered here.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import sqlalchemy as sa
from nats.aio.client import Client as NatsClient
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.billing.adapters.account_store import AccountStore
from parley.billing.adapters.entitlements_store import entitlements_of
from parley.billing.adapters.stripe_api import StripeApi, StripeUnavailable
from parley.billing.adapters.tables import in_schema, usage_warnings
from parley.billing.domain.account import (
    AccountRefused,
    AssignPlan,
    RegisterWorkspace,
    SetCustomer,
    new_account,
)
from parley.contracts.billing.accounts import AccountView
from parley.contracts.billing.entitlements import (
    MONTHLY,
    Scope,
    current_period,
    period_key,
    usage_subject,
)
from parley.contracts.billing.queries import (
    AccountChangeResult,
    AccountReply,
    ChangeAccount,
    CheckoutReply,
    CreateCheckout,
    CreatePortal,
    GetAccount,
    InvoicePage,
    InvoiceView,
    ListInvoices,
    ListPlans,
    PlanCatalog,
    PortalReply,
    UsageFigure,
    UsageWarning,
)
from parley.contracts.envelope import Envelope
from parley.contracts.streams import USAGE
from parley.runtime import counters

NOT_CONFIGURED = (
    "Stripe is not configured on this installation: an administrator assigns plans with "
    "`parley billing assign <organization> <plan>`"
)


class BillingQueries:
    def __init__(
        self,
        nc: NatsClient,
        engine: AsyncEngine,
        schema: str,
        accounts: AccountStore,
        stripe: StripeApi | None,
    ) -> None:
        self._nc = nc
        self._engine = engine
        self._schema = schema
        self._accounts = accounts
        self._catalog = accounts.catalog
        self._stripe = stripe

    async def list_plans(self, workspace_id: str, query: ListPlans) -> PlanCatalog:
        del workspace_id, query
        return PlanCatalog(
            version=self._catalog.version,
            plans=self._catalog.views(stripe_enabled=self._stripe is not None),
            stripe_enabled=self._stripe is not None,
        )

    async def get_account(self, workspace_id: str, query: GetAccount) -> AccountReply:
        account = await self._member_account(workspace_id, query.organization_id, query)
        entitlements = entitlements_of(account, self._catalog)
        now = datetime.now(UTC)
        start, end = current_period(account.anchor, now)
        period = period_key(start)
        scopes: tuple[tuple[Scope, str], ...] = (
            ("ws", workspace_id),
            ("org", account.organization_id),
        )
        figures = await asyncio.gather(
            *(
                self._figure(scope, scope_id, metric, period, entitlements.limit(metric))
                for metric in MONTHLY
                for scope, scope_id in scopes
            )
        )
        return AccountReply(
            account=account,
            entitlements=entitlements,
            period_start=start,
            period_end=end,
            usage=tuple(figures),
            warnings=tuple(await self._warnings(workspace_id, period)),
            stripe_enabled=self._stripe is not None,
        )

    async def change_account(self, workspace_id: str, query: ChangeAccount) -> AccountChangeResult:
        del workspace_id  # an operator's query, about an organization
        cause = Envelope.wrap(query, workspace_id=query.organization_id)
        try:
            outcome = await self._accounts.change(
                query.organization_id,
                AssignPlan(plan=query.plan, by=query.by, force=query.force, at=datetime.now(UTC)),
                cause,
            )
        except AccountRefused as refused:
            return AccountChangeResult(ok=False, code=refused.code, message=str(refused))
        return AccountChangeResult(ok=True, account=outcome.state.account)

    async def create_checkout(self, workspace_id: str, query: CreateCheckout) -> CheckoutReply:
        if self._stripe is None:
            return CheckoutReply(ok=False, code="BILLING_NOT_CONFIGURED", message=NOT_CONFIGURED)
        plan = self._catalog.plan(query.plan)
        if plan is None:
            known = ", ".join(p.id for p in self._catalog.plans)
            return CheckoutReply(
                ok=False,
                code="PLAN_UNKNOWN",
                message=f"plan: {query.plan!r} is not a plan ({known})",
            )
        if not plan.stripe_price or plan.price_cents == 0:
            return CheckoutReply(
                ok=False,
                code="PLAN_NOT_PURCHASABLE",
                message=f"plan: {plan.name} is not sold through Checkout",
            )
        account = await self._member_account(workspace_id, query.organization_id, query)
        if account.stripe_subscription and account.status in ("active", "trialing", "past_due"):
            return CheckoutReply(
                ok=False,
                code="ALREADY_SUBSCRIBED",
                message="this organization has a subscription: change plans in the billing portal",
            )
        try:
            customer = account.stripe_customer or await self._new_customer(account, query)
            session = await self._stripe.create_checkout(
                organization_id=account.organization_id,
                customer_id=customer,
                price_id=plan.stripe_price,
                trial_days=0 if account.trialed else plan.trial_days,
                success_url=query.success_url,
                cancel_url=query.cancel_url,
                idempotency_key=f"checkout:{account.organization_id}:{plan.id}:{query.attempt_id}",
            )
        except StripeUnavailable as err:
            return CheckoutReply(ok=False, code="STRIPE_ERROR", message=str(err))
        return CheckoutReply(ok=True, url=session.url, session_id=session.session_id)

    async def create_portal(self, workspace_id: str, query: CreatePortal) -> PortalReply:
        if self._stripe is None:
            return PortalReply(ok=False, code="BILLING_NOT_CONFIGURED", message=NOT_CONFIGURED)
        account = await self._member_account(workspace_id, query.organization_id, query)
        if not account.stripe_customer:
            return PortalReply(
                ok=False,
                code="NO_CUSTOMER",
                message="this organization has not subscribed yet: choose a plan first",
            )
        try:
            url = await self._stripe.create_portal(
                account.stripe_customer,
                query.return_url,
                f"portal:{account.organization_id}:{query.attempt_id}",
            )
        except StripeUnavailable as err:
            return PortalReply(ok=False, code="STRIPE_ERROR", message=str(err))
        return PortalReply(ok=True, url=url)

    async def list_invoices(self, workspace_id: str, query: ListInvoices) -> InvoicePage:
        if self._stripe is None:
            return InvoicePage(items=(), stripe_enabled=False)
        account = await self._member_account(workspace_id, query.organization_id, query)
        if not account.stripe_customer:
            return InvoicePage(items=(), stripe_enabled=True)
        # StripeUnavailable propagates: the query kit answers 500, the gateway a 502 problem.
        found, more = await self._stripe.invoices(
            account.stripe_customer, query.limit, query.cursor
        )
        items = tuple(invoice_view(i) for i in found)
        next_cursor = items[-1].invoice_id if more and items else None
        return InvoicePage(items=items, next_cursor=next_cursor, stripe_enabled=True)

    async def _member_account(
        self, workspace_id: str, organization_id: str, query: Any
    ) -> AccountView:
        account = await self._accounts.current(organization_id)
        if account is not None and workspace_id in account.workspaces:
            return account
        # A cause derived from the pair, so concurrent first looks register the workspace once.
        cause = Envelope.wrap(
            query,
            workspace_id=organization_id,
            event_id=uuid5(NAMESPACE_URL, f"register:{organization_id}:{workspace_id}"),
        )
        outcome = await self._accounts.change(
            organization_id, RegisterWorkspace(workspace_id, datetime.now(UTC)), cause
        )
        return outcome.state.account or new_account(
            organization_id, self._catalog, cause.occurred_at
        )

    async def _new_customer(self, account: AccountView, query: CreateCheckout) -> str:
        assert self._stripe is not None
        customer = await self._stripe.create_customer(account.organization_id, query.email)
        cause = Envelope.wrap(
            query,
            workspace_id=account.organization_id,
            event_id=uuid5(NAMESPACE_URL, f"customer:{account.organization_id}:{customer}"),
        )
        await self._accounts.change(
            account.organization_id, SetCustomer(customer, datetime.now(UTC)), cause
        )
        return customer

    async def _figure(
        self, scope: Scope, scope_id: str, metric: str, period: str, limit: int | None
    ) -> UsageFigure:
        subject = usage_subject(scope, scope_id, metric, period)
        used = await counters.value(self._nc.jetstream(), USAGE.name, subject)
        return UsageFigure(metric=metric, scope=scope, used=used, limit=limit)

    async def _warnings(self, workspace_id: str, period: str) -> list[UsageWarning]:
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            rows = await conn.execute(
                sa.select(usage_warnings)
                .where(
                    usage_warnings.c.workspace_id == workspace_id,
                    usage_warnings.c.period == period,
                )
                .order_by(usage_warnings.c.at.desc())
            )
            return [
                UsageWarning(
                    metric=r.metric,
                    scope="org" if r.scope == "org" else "ws",
                    threshold=r.threshold,
                    used=r.used,
                    limit=r.limit,
                    at=r.at,
                )
                for r in rows
            ]


def _time(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, int | float) else None


def invoice_view(invoice: dict[str, Any]) -> InvoiceView:
    lines = (invoice.get("lines") or {}).get("data") or []
    period = (lines[0].get("period") if lines else None) or {}
    return InvoiceView(
        invoice_id=str(invoice.get("id", "")),
        number=str(invoice.get("number") or ""),
        status=str(invoice.get("status") or ""),
        amount_due=int(invoice.get("amount_due") or 0),
        amount_paid=int(invoice.get("amount_paid") or 0),
        currency=str(invoice.get("currency") or ""),
        created=_time(invoice.get("created")) or datetime.fromtimestamp(0, UTC),
        period_start=_time(period.get("start")),
        period_end=_time(period.get("end")),
        hosted_invoice_url=str(invoice.get("hosted_invoice_url") or ""),
        invoice_pdf=str(invoice.get("invoice_pdf") or ""),
    )
