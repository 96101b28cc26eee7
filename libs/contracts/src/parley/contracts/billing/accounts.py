"""An organization's billing account as other contexts see it: plan, status, period, Stripe ids.

Billing's aggregates are organizations, on `billing.evt.<organization_id>.account`: the tenant
token of the subject is the organization, not a workspace, because a plan is the
organization's and an agency's client workspaces share it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.billing.entitlements import AccountStatus

PlanIdField = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
OrganizationIdField = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")


class AccountView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    organization_id: str
    plan: str
    status: AccountStatus
    source: str  # default, admin, stripe, grace_expired
    anchor: datetime  # billing periods are months from here
    workspaces: tuple[str, ...] = ()
    stripe_customer: str = ""
    stripe_subscription: str = ""
    cancel_at_period_end: bool = False
    current_period_end: datetime | None = None
    trial_end: datetime | None = None
    trialed: bool = False  # a trial was used once; no second one
    grace_until: datetime | None = None
    changed_at: datetime
