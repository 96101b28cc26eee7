"""Where a workspace's entitlements live, for the services that enforce them.

Billing writes `Entitlements` as JSON to KV bucket `billing_entitlements`, key = workspace id,
and counts usage on the USAGE counter stream at `usage_subject(...)`. A service reads both at
the moment of the action. No key (or no bucket, before billing runs): no limits.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

ENTITLEMENTS_BUCKET = "billing_entitlements"


class Entitlements(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    plan: str
    period: str  # the billing period usage is counted in, e.g. "2026-11"
    limits: dict[str, int | None] = {}  # metric -> limit per period; None or absent = unlimited
    upgrade_to: str = ""  # the plan that lifts the limits, for the refusal message


def usage_subject(workspace_id: str, metric: str, period: str) -> str:
    return f"usage.{workspace_id}.{metric}.{period.replace('-', '_')}"
