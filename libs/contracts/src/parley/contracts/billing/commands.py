"""Commands to billing, on `billing.cmd.<organization_id>.account`."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from parley.contracts.billing.accounts import OrganizationIdField, PlanIdField
from parley.contracts.messages import Command


class RegisterWorkspace(Command, wire_name="billing.RegisterWorkspace", version=1):
    """The gateway created a workspace in the organization: its entitlements follow the
    organization's plan from now on."""

    organization_id: str = OrganizationIdField
    workspace_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")
    at: datetime


class AssignPlan(Command, wire_name="billing.AssignPlan", version=1):
    """An operator's assignment (`parley billing assign`), for installations without Stripe or
    to override one. Refused while a Stripe subscription governs the account unless `force`."""

    organization_id: str = OrganizationIdField
    plan: str = PlanIdField
    by: str = Field(default="", max_length=200)
    force: bool = False
    at: datetime


class CheckGrace(Command, wire_name="billing.CheckGrace", version=1):
    """The durable timer set when a payment failed: at `grace_until` billing reads the
    subscription again and, if it is still unpaid, moves the organization to the free plan."""

    organization_id: str = OrganizationIdField
    grace_until: datetime


class SyncSubscription(Command, wire_name="billing.SyncSubscription", version=1):
    """Read the organization's Stripe subscription again and bring the account in line: the
    cause of each change a Stripe webhook brings (`stripe_event_id`), or an operator's
    `parley billing sync`."""

    organization_id: str = OrganizationIdField
    subscription_id: str = Field(default="", max_length=255)
    stripe_event_id: str = Field(default="", max_length=255)
    stripe_event_type: str = Field(default="", max_length=100)
