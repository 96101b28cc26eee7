"""What the GraphQL API returns about plans and billing: the billing page's shape, as REST's
`GET /workspaces/{id}/billing` and `GET /plans`."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from parley.contracts.billing import queries as bq
from parley.gateway.application import billing as ab
from parley.gateway.graphql.types import ID


@strawberry.type
class Plan:
    plan_id: ID
    name: str
    rank: int = strawberry.field(description="0 = the free plan; higher lifts lower limits")
    price_cents: int = strawberry.field(description="per month")
    currency: str
    limits: JSON = strawberry.field(description="metric -> limit; null = unlimited")
    pooled: list[str]
    features: list[str]
    trial_days: int
    purchasable: bool

    @classmethod
    def of(cls, plan: bq.PlanView) -> Plan:
        return cls(
            plan_id=ID(plan.plan_id),
            name=plan.name,
            rank=plan.rank,
            price_cents=plan.price_cents,
            currency=plan.currency,
            limits=JSON(dict(plan.limits)),
            pooled=list(plan.pooled),
            features=list(plan.features),
            trial_days=plan.trial_days,
            purchasable=plan.purchasable,
        )


@strawberry.type
class PlanCatalog:
    version: int
    plans: list[Plan]
    stripe_enabled: bool

    @classmethod
    def of(cls, catalog: ab.Plans) -> PlanCatalog:
        return cls(
            version=catalog.version,
            plans=[Plan.of(p) for p in catalog.plans],
            stripe_enabled=catalog.stripe_enabled,
        )


@strawberry.type
class PlanRef:
    id: ID
    name: str


@strawberry.type
class BillingPeriod:
    start: datetime
    end: datetime


@strawberry.type
class UsageBar:
    metric: str
    scope: str = strawberry.field(description="ws: this workspace's; org: the organization's")
    used: int | None = strawberry.field(description="null: its owner did not answer now")
    limit: int | None = strawberry.field(description="null: unlimited")
    percent: int | None


@strawberry.type
class UsageWarning:
    metric: str
    scope: str
    threshold: int = strawberry.field(description="percent: 80 or 100")
    used: int
    limit: int
    at: datetime


@strawberry.type
class Billing:
    workspace_id: ID
    organization_id: ID
    plan: PlanRef
    status: str = strawberry.field(description="active, trialing, past_due or canceled")
    source: str = strawberry.field(description="default, admin, stripe or grace_expired")
    period: BillingPeriod
    cancel_at_period_end: bool
    current_period_end: datetime | None
    trial_end: datetime | None
    grace_until: datetime | None
    stripe_enabled: bool
    features: list[str]
    usage: list[UsageBar]
    warnings: list[UsageWarning]
    plans: list[Plan]

    @classmethod
    def of(cls, page: ab.BillingPage) -> Billing:
        return cls(
            workspace_id=ID(page.workspace_id),
            organization_id=ID(page.organization_id),
            plan=PlanRef(id=ID(page.plan.id), name=page.plan.name),
            status=page.status,
            source=page.source,
            period=BillingPeriod(start=page.period.start, end=page.period.end),
            cancel_at_period_end=page.cancel_at_period_end,
            current_period_end=page.current_period_end,
            trial_end=page.trial_end,
            grace_until=page.grace_until,
            stripe_enabled=page.stripe_enabled,
            features=list(page.features),
            usage=[UsageBar(**bar.model_dump()) for bar in page.usage],
            warnings=[UsageWarning(**w.model_dump()) for w in page.warnings],
            plans=[Plan.of(p) for p in page.plans],
        )
