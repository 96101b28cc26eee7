"""Events of the billing context.

`AccountChanged` carries the whole account after each change (state, not a delta: Stripe's
events arrive duplicated and out of order, so billing re-reads the subscription and records
where it stands). `UsageThresholdReached` is raised once per metric, scope, period and
threshold (80 and 100 %).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from parley.contracts.billing.accounts import AccountView
from parley.contracts.messages import Event


class AccountChanged(Event, wire_name="billing.AccountChanged", version=1):
    account: AccountView
    reason: str = Field(default="", max_length=300)  # e.g. "stripe customer.subscription.updated"
    at: datetime


class UsageThresholdReached(Event, wire_name="billing.UsageThresholdReached", version=1):
    """On `billing.evt.<workspace_id>.usage`; for a pooled metric, on each workspace of the
    organization."""

    organization_id: str
    metric: str
    scope: Literal["ws", "org"]
    threshold: int  # percent: 80 or 100
    used: int
    limit: int
    plan: str
    period: str  # period key, e.g. 2026_12_01
    at: datetime
