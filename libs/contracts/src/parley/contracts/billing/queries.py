"""Billing over NATS request/reply, on `parley.q.billing.<name>`: get-account, list-plans,
change-account, create-checkout, create-portal, list-invoices.

The gateway names the organization of the asking workspace in each query; billing checks that
the workspace belongs to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.billing.accounts import AccountView, OrganizationIdField, PlanIdField
from parley.contracts.billing.entitlements import Entitlements
from parley.contracts.messages import Query, Reply

UrlField = Field(min_length=1, max_length=2000, pattern=r"^https?://")


class PlanView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    plan_id: str
    name: str
    rank: int  # 0 = Free; higher plans lift lower ones' limits
    price_cents: int  # per month
    currency: str
    limits: dict[str, int | None]
    pooled: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    trial_days: int = 0
    purchasable: bool  # has a Stripe price here


class ListPlans(Query, wire_name="billing.ListPlans", version=1):
    pass


class PlanCatalog(Reply, wire_name="billing.PlanCatalog", version=1):
    version: int
    plans: tuple[PlanView, ...]
    stripe_enabled: bool


class UsageFigure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    metric: str
    scope: Literal["ws", "org"]
    used: int
    limit: int | None


class UsageWarning(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    metric: str
    scope: Literal["ws", "org"]
    threshold: int
    used: int
    limit: int
    at: datetime


class GetAccount(Query, wire_name="billing.GetAccount", version=1):
    organization_id: str = OrganizationIdField


class AccountReply(Reply, wire_name="billing.AccountReply", version=1):
    account: AccountView
    entitlements: Entitlements
    period_start: datetime
    period_end: datetime
    usage: tuple[UsageFigure, ...]  # the monthly metrics of this period, workspace and org
    warnings: tuple[UsageWarning, ...]  # this period's, newest first
    stripe_enabled: bool


AccountAction = Literal["assign"]


class ChangeAccount(Query, wire_name="billing.ChangeAccount", version=1):
    organization_id: str = OrganizationIdField
    action: AccountAction
    plan: str = PlanIdField
    force: bool = False
    by: str = Field(default="", max_length=200)


class AccountChangeResult(Reply, wire_name="billing.AccountChangeResult", version=1):
    ok: bool
    code: str = ""  # PLAN_UNKNOWN, STRIPE_MANAGED
    message: str = ""
    account: AccountView | None = None


class CreateCheckout(Query, wire_name="billing.CreateCheckout", version=1):
    organization_id: str = OrganizationIdField
    plan: str = PlanIdField
    success_url: str = UrlField
    cancel_url: str = UrlField
    email: str = Field(default="", max_length=320)
    attempt_id: str = Field(min_length=1, max_length=100)  # the caller's, for Idempotency-Key


class CheckoutReply(Reply, wire_name="billing.CheckoutReply", version=1):
    ok: bool
    # BILLING_NOT_CONFIGURED, PLAN_UNKNOWN, PLAN_NOT_PURCHASABLE, ALREADY_SUBSCRIBED, STRIPE_ERROR
    code: str = ""
    message: str = ""
    url: str = ""
    session_id: str = ""


class CreatePortal(Query, wire_name="billing.CreatePortal", version=1):
    organization_id: str = OrganizationIdField
    return_url: str = UrlField
    attempt_id: str = Field(min_length=1, max_length=100)  # the caller's, for Idempotency-Key


class PortalReply(Reply, wire_name="billing.PortalReply", version=1):
    ok: bool
    code: str = ""  # BILLING_NOT_CONFIGURED, NO_CUSTOMER, STRIPE_ERROR
    message: str = ""
    url: str = ""


class InvoiceView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    invoice_id: str
    number: str
    status: str  # draft, open, paid, uncollectible, void
    amount_due: int
    amount_paid: int
    currency: str
    created: datetime
    period_start: datetime | None
    period_end: datetime | None
    hosted_invoice_url: str
    invoice_pdf: str


class ListInvoices(Query, wire_name="billing.ListInvoices", version=1):
    organization_id: str = OrganizationIdField
    limit: int = Field(default=12, ge=1, le=100)
    cursor: str = Field(default="", max_length=200)  # the last invoice id of the previous page


class InvoicePage(Reply, wire_name="billing.InvoicePage", version=1):
    items: tuple[InvoiceView, ...]
    next_cursor: str | None = None
    stripe_enabled: bool
