"""The plan catalog: versioned configuration (`plans.toml`, or the file PLAN_CATALOG names),
checked once at start-up, and what a plan entitles a workspace to.

Plans are ranked by their order in the file (the first is the free default). `lifted_by` names,
for each limit and feature, the smallest plan above that raises the limit or has the feature,
so a refusal can say which plan lifts it.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.contracts.billing.entitlements import (
    FEATURES,
    MONTHLY,
    STANDING,
    AccountStatus,
    Entitlements,
)
from parley.contracts.billing.queries import PlanView

DEFAULT_CATALOG = Path(__file__).parent.parent / "plans.toml"
METRICS: tuple[str, ...] = (*MONTHLY, *STANDING)


class Plan(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name: str = Field(min_length=1, max_length=60)
    price_cents: int = Field(ge=0)
    stripe_price: str = ""
    trial_days: int = Field(default=0, ge=0, le=90)
    limits: dict[str, int | None]
    pooled: frozenset[str] = frozenset()
    features: frozenset[str] = frozenset()

    @model_validator(mode="after")
    def _known_names(self) -> Self:
        unknown = set(self.limits) - set(METRICS)
        if unknown:
            raise ValueError(f"limits: unknown metric(s) {sorted(unknown)}; known: {METRICS}")
        missing = set(METRICS) - set(self.limits)
        if missing:
            raise ValueError(
                f"limits: give every metric (-1 = unlimited); missing {sorted(missing)}"
            )
        if any(v is not None and v < 0 for v in self.limits.values()):
            raise ValueError("limits: must be >= 0, or -1 for unlimited")
        if not self.pooled <= set(MONTHLY):
            raise ValueError(f"pooled: only monthly metrics can be pooled: {MONTHLY}")
        if not self.features <= set(FEATURES):
            raise ValueError(f"features: unknown {sorted(self.features - set(FEATURES))}")
        return self


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: int = Field(ge=1)
    currency: str = Field(pattern=r"^[a-z]{3}$")
    default_plan: str
    plans: tuple[Plan, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        ids = [p.id for p in self.plans]
        if len(set(ids)) != len(ids):
            raise ValueError("plans: ids must be unique")
        if self.default_plan not in ids:
            raise ValueError(f"default_plan: {self.default_plan!r} is not a plan")
        prices = [p.stripe_price for p in self.plans if p.stripe_price]
        if len(set(prices)) != len(prices):
            raise ValueError("plans: a stripe_price can sell only one plan")
        return self

    def plan(self, plan_id: str) -> Plan | None:
        return next((p for p in self.plans if p.id == plan_id), None)

    def rank(self, plan_id: str) -> int:
        return next((i for i, p in enumerate(self.plans) if p.id == plan_id), 0)

    @property
    def default(self) -> Plan:
        found = self.plan(self.default_plan)
        assert found is not None  # checked by the validator
        return found

    def by_price(self, price_id: str) -> Plan | None:
        return next((p for p in self.plans if p.stripe_price and p.stripe_price == price_id), None)

    def with_prices(self, prices: dict[str, str]) -> Catalog:
        """The catalog with some plans' Stripe prices replaced (STRIPE_PRICES=plan:price,...)."""
        plans = tuple(
            p.model_copy(update={"stripe_price": prices[p.id]}) if p.id in prices else p
            for p in self.plans
        )
        return Catalog.model_validate(
            {**self.model_dump(), "plans": [p.model_dump() for p in plans]}
        )

    def lifted_by(self, plan: Plan) -> dict[str, str]:
        above = self.plans[self.rank(plan.id) + 1 :]
        lifts: dict[str, str] = {}
        for metric in METRICS:
            current = plan.limits.get(metric)
            for higher in above:
                limit = higher.limits.get(metric)
                if current is not None and (limit is None or limit > current):
                    lifts[metric] = higher.name
                    break
        for feature in FEATURES:
            if feature in plan.features:
                continue
            for higher in above:
                if feature in higher.features:
                    lifts[feature] = higher.name
                    break
        return lifts

    def entitlements(
        self,
        plan: Plan,
        *,
        organization_id: str,
        anchor: datetime,
        status: AccountStatus,
        grace_until: datetime | None,
        changed_at: datetime,
    ) -> Entitlements:
        rank = self.rank(plan.id)
        return Entitlements(
            plan=plan.id,
            plan_name=plan.name,
            catalog_version=self.version,
            organization_id=organization_id,
            anchor=anchor,
            limits=dict(plan.limits),
            pooled=plan.pooled,
            features=plan.features,
            upgrade_to=self.plans[rank + 1].id if rank + 1 < len(self.plans) else "",
            lifted_by=self.lifted_by(plan),
            status=status,
            grace_until=grace_until,
            changed_at=changed_at,
        )

    def views(self, *, stripe_enabled: bool) -> tuple[PlanView, ...]:
        return tuple(
            PlanView(
                plan_id=p.id,
                name=p.name,
                rank=i,
                price_cents=p.price_cents,
                currency=self.currency,
                limits=dict(p.limits),
                pooled=tuple(sorted(p.pooled)),
                features=tuple(sorted(p.features)),
                trial_days=p.trial_days,
                purchasable=stripe_enabled and bool(p.stripe_price) and p.price_cents > 0,
            )
            for i, p in enumerate(self.plans)
        )


class CatalogInvalid(ValueError):
    pass


def load_catalog(path: Path = DEFAULT_CATALOG) -> Catalog:
    """Read and check the catalog; a bad file is refused with the field and the rule."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise CatalogInvalid(f"plan catalog {path}: {err}") from None
    for plan in raw.get("plans", ()):
        # TOML has no null: -1 stands for unlimited in the file.
        limits = plan.get("limits", {})
        plan["limits"] = {k: (None if v == -1 else v) for k, v in limits.items()}
    try:
        return Catalog.model_validate(raw)
    except ValueError as err:
        raise CatalogInvalid(f"plan catalog {path}: {err}") from None
