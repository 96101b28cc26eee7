"""The billing page and the ways to pay, through the billing service (`parley.q.billing.*`).

The page is one answer: the organization's account and entitlements (`get-account`), the plan
catalog (`list-plans`), and the usage of every limit. The monthly figures are billing's meter
(AccountReply.usage, in the scope the plan enforces); the standing ones are counted now by the
owners of the things counted, asked at once: published flows (the flow engine's
`execution-stats`), active campaigns (its `list-campaigns`: scheduled, running or paused),
numbers (messaging's `list-channels`: connected, not the sandbox), and seats and workspaces
(the gateway's own tables). A figure whose owner does not answer is `used: null` (shown as
unavailable), never a failed page; billing itself not answering is the 503 naming it.

Checkout and the billing portal answer a Stripe URL the browser goes to; Stripe sends the
person back to `<PUBLIC_URL or the request's base URL>/settings/billing`.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import uuid4

from pydantic import BaseModel, ConfigDict

from parley.contracts.ai.queries import KnowledgeBasePage, ListKnowledgeBases
from parley.contracts.billing.entitlements import (
    ACTIVE_CAMPAIGNS,
    KB_DOCUMENTS,
    MONTHLY,
    NUMBERS,
    PUBLISHED_FLOWS,
    SEATS,
    STANDING,
    WORKSPACES,
    AccountStatus,
    Entitlements,
    Scope,
)
from parley.contracts.billing.queries import (
    AccountReply,
    CheckoutReply,
    CreateCheckout,
    CreatePortal,
    GetAccount,
    InvoicePage,
    InvoiceView,
    ListInvoices,
    ListPlans,
    PlanCatalog,
    PlanView,
    PortalReply,
    UsageWarning,
)
from parley.contracts.campaigns.campaigns import CampaignStatus
from parley.contracts.campaigns.queries import CampaignPage, ListCampaigns
from parley.contracts.executions.stats import ExecutionStats, GetExecutionStats
from parley.contracts.messages import Query, Reply
from parley.contracts.messaging.channels import ChannelList, ListChannels
from parley.gateway.adapters.services import ServiceRefused, Services, ServiceUnavailable
from parley.gateway.api.problems import FieldProblem, Problem
from parley.gateway.application.crm_calls import checked
from parley.gateway.application.knowledge import AI_RAG
from parley.gateway.application.organizations import Organizations
from parley.gateway.application.service_calls import ask

BILLING = "billing"
FLOW_ENGINE = "flow-engine"
MESSAGING = "messaging"
# Envelopes name a workspace; the catalog is the same for everyone, so it is asked for none.
NO_WORKSPACE = "-"
ACTIVE: tuple[CampaignStatus, ...] = ("scheduled", "running", "paused")
MAX_ATTEMPT_ID = 100
RETURN_PATH = "/settings/billing"
R = TypeVar("R", bound=Reply)
ASSIGN_HINT = "plans are assigned by an administrator with `parley billing assign`"


class _Out(BaseModel):
    # Every field is always in the answer, so the published schema says so (typed clients).
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class PlanRef(_Out):
    id: str
    name: str


class BillingPeriod(_Out):
    start: datetime
    end: datetime


class UsageBar(_Out):
    metric: str
    scope: Scope  # "ws": this workspace's; "org": the organization's
    used: int | None  # None: its owner did not answer now (shown as unavailable)
    limit: int | None  # None: unlimited
    percent: int | None  # None when unlimited or unknown; may pass 100 after a downgrade


class BillingPage(_Out):
    workspace_id: str
    organization_id: str
    plan: PlanRef
    status: AccountStatus
    source: str  # default, admin, stripe, grace_expired
    period: BillingPeriod
    cancel_at_period_end: bool
    current_period_end: datetime | None
    trial_end: datetime | None
    grace_until: datetime | None
    stripe_enabled: bool
    features: list[str]
    usage: list[UsageBar]
    warnings: list[UsageWarning]
    plans: list[PlanView]


class Plans(_Out):
    version: int
    plans: list[PlanView]
    stripe_enabled: bool


class CheckoutSession(_Out):
    url: str
    session_id: str


class PortalSession(_Out):
    url: str


class Invoices(_Out):
    items: list[InvoiceView]
    next_cursor: str | None
    stripe_enabled: bool


def percent(used: int | None, limit: int | None) -> int | None:
    if used is None or limit is None:
        return None
    if limit == 0:
        return 100  # nothing allowed: full from the start
    return round(100 * used / limit)


def usage_bars(
    entitlements: Entitlements, reply: AccountReply, standing: dict[str, int | None]
) -> list[UsageBar]:
    """One bar per limit, monthly first, each in the scope the plan enforces it."""
    bars = []
    for metric in (*MONTHLY, *STANDING):
        scope = entitlements.scope_of(metric)
        limit = entitlements.limit(metric)
        used: int | None
        if metric in MONTHLY:
            metered = [f.used for f in reply.usage if f.metric == metric and f.scope == scope]
            used = metered[0] if metered else 0
        else:
            used = standing.get(metric)
        bars.append(
            UsageBar(
                metric=metric, scope=scope, used=used, limit=limit, percent=percent(used, limit)
            )
        )
    return bars


def attempt_id(idempotency_key: str | None) -> str:
    """The caller's Idempotency-Key (Stripe's own, so a retry opens the same session), or a
    fresh id; a key longer than the contract takes is hashed."""
    if not idempotency_key:
        return str(uuid4())
    if len(idempotency_key) <= MAX_ATTEMPT_ID:
        return idempotency_key
    return hashlib.sha256(idempotency_key.encode()).hexdigest()


_CHECKOUT_STATUS = {
    "BILLING_NOT_CONFIGURED": 409,
    "PLAN_UNKNOWN": 422,
    "PLAN_NOT_PURCHASABLE": 422,
    "ALREADY_SUBSCRIBED": 409,
    "NO_CUSTOMER": 409,
    "STRIPE_ERROR": 502,
}


def payment_problem(code: str, message: str) -> Problem:
    """A checkout's or portal's refusal, with what the person can do instead."""
    status = _CHECKOUT_STATUS.get(code, 422)
    if code == "BILLING_NOT_CONFIGURED":
        detail = f"online payment is not configured on this installation: {ASSIGN_HINT}"
    elif code == "ALREADY_SUBSCRIBED":
        detail = (
            "this organization has a subscription already: use the billing portal to change plans"
        )
    elif code == "NO_CUSTOMER":
        detail = "this organization has never paid online: choose a plan through checkout first"
    else:
        detail = message or f"billing refused ({code or 'no code'})"
    errors = (
        [FieldProblem(field="plan", rule=message or code)]
        if code in ("PLAN_UNKNOWN", "PLAN_NOT_PURCHASABLE")
        else []
    )
    return Problem(status, code or "BILLING_REFUSED", detail, errors=errors, service=BILLING)


class Billing:
    def __init__(self, services: Services, organizations: Organizations) -> None:
        self._services = services
        self._organizations = organizations

    async def plans(self) -> Plans:
        catalog = await self._catalog(NO_WORKSPACE)
        return Plans(
            version=catalog.version,
            plans=list(catalog.plans),
            stripe_enabled=catalog.stripe_enabled,
        )

    async def page(self, workspace_id: str) -> BillingPage:
        figures = await self._organizations.figures(workspace_id)
        org = figures.organization_id
        reply, catalog, flows, campaigns, numbers, documents = await asyncio.gather(
            self._billing(
                "get-account", workspace_id, GetAccount(organization_id=org), AccountReply
            ),
            self._catalog(workspace_id),
            _figure(self._published_flows(workspace_id)),
            _figure(self._active_campaigns(workspace_id)),
            _figure(self._numbers(workspace_id)),
            _figure(self._kb_documents(workspace_id)),
        )
        entitlements = reply.entitlements
        standing: dict[str, int | None] = {
            PUBLISHED_FLOWS: flows,
            ACTIVE_CAMPAIGNS: campaigns,
            NUMBERS: numbers,
            SEATS: figures.seats,
            WORKSPACES: figures.workspaces,
            KB_DOCUMENTS: documents,
        }
        names = {p.plan_id: p.name for p in catalog.plans}
        account = reply.account
        return BillingPage(
            workspace_id=workspace_id,
            organization_id=org,
            plan=PlanRef(
                id=account.plan,
                name=entitlements.plan_name or names.get(account.plan, account.plan),
            ),
            status=account.status,
            source=account.source,
            period=BillingPeriod(start=reply.period_start, end=reply.period_end),
            cancel_at_period_end=account.cancel_at_period_end,
            current_period_end=account.current_period_end,
            trial_end=account.trial_end,
            grace_until=account.grace_until,
            stripe_enabled=reply.stripe_enabled,
            features=sorted(entitlements.features),
            usage=usage_bars(entitlements, reply, standing),
            warnings=list(reply.warnings),
            plans=list(catalog.plans),
        )

    async def checkout(
        self,
        workspace_id: str,
        plan: str,
        *,
        base_url: str,
        email: str,
        idempotency_key: str | None,
    ) -> CheckoutSession:
        org = await self._organizations.organization_of(workspace_id)
        back = base_url.rstrip("/") + RETURN_PATH
        query = checked(
            CreateCheckout,
            organization_id=org,
            plan=plan,
            success_url=f"{back}?checkout=success",
            cancel_url=f"{back}?checkout=cancelled",
            email=email,
            attempt_id=attempt_id(idempotency_key),
        )
        reply = await self._billing("create-checkout", workspace_id, query, CheckoutReply)
        if not reply.ok:
            raise payment_problem(reply.code, reply.message)
        return CheckoutSession(url=reply.url, session_id=reply.session_id)

    async def portal(
        self, workspace_id: str, *, base_url: str, idempotency_key: str | None
    ) -> PortalSession:
        org = await self._organizations.organization_of(workspace_id)
        query = checked(
            CreatePortal,
            organization_id=org,
            return_url=base_url.rstrip("/") + RETURN_PATH,
            attempt_id=attempt_id(idempotency_key),
        )
        reply = await self._billing("create-portal", workspace_id, query, PortalReply)
        if not reply.ok:
            raise payment_problem(reply.code, reply.message)
        return PortalSession(url=reply.url)

    async def invoices(self, workspace_id: str, *, limit: int, cursor: str) -> Invoices:
        org = await self._organizations.organization_of(workspace_id)
        query = checked(ListInvoices, organization_id=org, limit=limit, cursor=cursor)
        page = await self._billing("list-invoices", workspace_id, query, InvoicePage)
        return Invoices(
            items=list(page.items), next_cursor=page.next_cursor, stripe_enabled=page.stripe_enabled
        )

    # -- the standing figures, each from its owner ----------------------------------------------

    async def _published_flows(self, workspace_id: str) -> int:
        query = GetExecutionStats(since=datetime.now(UTC), flow_limit=1)
        stats = await self._services.ask(
            FLOW_ENGINE, "execution-stats", workspace_id, query, ExecutionStats
        )
        return stats.published_flows

    async def _active_campaigns(self, workspace_id: str) -> int:
        counts = await asyncio.gather(
            *(self._campaigns_in(workspace_id, status) for status in ACTIVE)
        )
        return sum(counts)

    async def _campaigns_in(self, workspace_id: str, status: CampaignStatus) -> int:
        count, cursor = 0, ""
        while True:
            query = ListCampaigns(status=status, limit=100, cursor=cursor)
            page = await self._services.ask(
                FLOW_ENGINE, "list-campaigns", workspace_id, query, CampaignPage
            )
            count += len(page.items)
            if not page.next_cursor:
                return count
            cursor = page.next_cursor

    async def _numbers(self, workspace_id: str) -> int:
        listed = await self._services.ask(
            MESSAGING, "list-channels", workspace_id, ListChannels(), ChannelList
        )
        return sum(
            1 for c in listed.channels if c.provider != "sandbox" and c.status != "disconnected"
        )

    async def _kb_documents(self, workspace_id: str) -> int:
        count, cursor = 0, ""
        while True:
            query = ListKnowledgeBases(limit=100, cursor=cursor)
            page = await self._services.ask(
                AI_RAG, "list-knowledge-bases", workspace_id, query, KnowledgeBasePage
            )
            count += sum(kb.documents for kb in page.items)
            if not page.next_cursor:
                return count
            cursor = page.next_cursor

    # -- billing --------------------------------------------------------------------------------

    async def _catalog(self, workspace_id: str) -> PlanCatalog:
        return await self._billing("list-plans", workspace_id, ListPlans(), PlanCatalog)

    async def _billing(self, name: str, workspace_id: str, query: Query, reply: type[R]) -> R:
        return await ask(
            self._services,
            BILLING,
            name,
            workspace_id,
            query,
            reply,
            what="billing account of workspace",
            ident=workspace_id,
        )


async def _figure(count: Awaitable[int]) -> int | None:
    """A standing figure, or None when its owner does not answer (or refuses) now."""
    try:
        return await count
    except (ServiceUnavailable, ServiceRefused):
        return None
