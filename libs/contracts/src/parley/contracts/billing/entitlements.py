"""What a workspace may do under its organization's plan, for the services that enforce it.

Billing writes `Entitlements` as JSON to KV bucket `billing_entitlements`, key = workspace id,
whenever the organization's plan, status or period changes. A service reads them at the moment
of the action. No key (or no bucket, before billing runs): no limits.

Two kinds of limit:
- **monthly** (`MONTHLY`): counted per billing period on the USAGE counter stream, per
  workspace and per organization, twice over:
  - `usage_subject(...)` is billing's meter, fed from the events (MessageSent,
    QuestionAnswered, LeadScraped) exactly once: the usage the account shows and is billed on;
  - `admitted_subject(...)` is the enforcer's admission count: the service about to act takes a
    unit first (increment, then compare), so concurrent replicas cannot overshoot a limit, and
    gives it back when the action fails.
  A metric in `pooled` is limited for the organization as a whole (an agency's client workspaces
  share it); the others per workspace.
- **standing** (`STANDING`): how many exist right now (published flows, numbers, seats ...),
  counted by the service that owns them when one more is asked for.

Billing periods are months from `anchor` (a Stripe subscription's start, or the first of the
month), computed by `current_period`, so every service agrees on the period without waiting
for billing to announce a new one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.subjects import token

ENTITLEMENTS_BUCKET = "billing_entitlements"

# Monthly metrics, counted per billing period.
MESSAGES_SENT = "messages_sent"  # counted by messaging when it admits a send (not sandbox)
AI_ANSWERS = "ai_answers"  # counted by billing's meter from ai.QuestionAnswered
LEADS_SCRAPED = "leads_scraped"  # counted by billing's meter from scraper.LeadScraped
MONTHLY: tuple[str, ...] = (MESSAGES_SENT, AI_ANSWERS, LEADS_SCRAPED)

# Standing limits, counted by the owner of the things limited.
PUBLISHED_FLOWS = "published_flows"  # flow-engine, at publish
ACTIVE_CAMPAIGNS = "active_campaigns"  # flow-engine, at launch and schedule
NUMBERS = "numbers"  # messaging, at connect (the sandbox is not a number)
SEATS = "seats"  # gateway, at invitation (members plus open invitations, per organization)
WORKSPACES = "workspaces"  # gateway, at workspace creation (per organization)
KB_DOCUMENTS = "kb_documents"  # ai-rag, at upload
STANDING: tuple[str, ...] = (
    PUBLISHED_FLOWS,
    ACTIVE_CAMPAIGNS,
    NUMBERS,
    SEATS,
    WORKSPACES,
    KB_DOCUMENTS,
)
# Standing limits that are the organization's, whatever `pooled` says.
ORGANIZATION_WIDE: frozenset[str] = frozenset({SEATS, WORKSPACES})

# Features a plan switches on.
AI_NODE = "ai_node"  # flows with an ai_answer node may be published
API_ACCESS = "api_access"  # API keys may be created
BRANDING_REMOVAL = "branding_removal"  # the app and the sandbox omit "Powered by Parley"
FEATURES: tuple[str, ...] = (AI_NODE, API_ACCESS, BRANDING_REMOVAL)

LIMIT_CODE = "PLAN_LIMIT_REACHED"
FEATURE_CODE = "PLAN_FEATURE_MISSING"

AccountStatus = Literal["active", "trialing", "past_due", "canceled"]
Scope = Literal["ws", "org"]


class Entitlements(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    plan: str  # plan id, e.g. "starter"
    plan_name: str = ""  # for messages, e.g. "Starter"
    catalog_version: int = 0
    organization_id: str = ""
    anchor: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    limits: dict[str, int | None] = {}  # metric -> limit; None or absent = unlimited
    pooled: frozenset[str] = frozenset()  # monthly metrics limited for the organization
    features: frozenset[str] = frozenset()
    upgrade_to: str = ""  # the next plan up, "" on the top plan
    # metric or feature -> the name of the smallest plan that raises that limit or has it
    lifted_by: dict[str, str] = {}
    status: AccountStatus = "active"
    grace_until: datetime | None = None  # past_due: the paid plan holds until then
    changed_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def limit(self, metric: str) -> int | None:
        return self.limits.get(metric)

    def scope_of(self, metric: str) -> Scope:
        return "org" if metric in self.pooled or metric in ORGANIZATION_WIDE else "ws"


def _add_months(moment: datetime, months: int) -> datetime:
    year, month0 = divmod(moment.month - 1 + months, 12)
    year += moment.year
    # The anchor's day, or the month's last day when the month is shorter (Jan 31 -> Feb 28).
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month0 + 1, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month0 + 1, day=min(moment.day, 28))


def current_period(anchor: datetime, now: datetime) -> tuple[datetime, datetime]:
    """The monthly billing period containing `now`, as [start, end)."""
    months = (now.year - anchor.year) * 12 + now.month - anchor.month
    start = _add_months(anchor, months)
    if start > now:
        months -= 1
        start = _add_months(anchor, months)
    return start, _add_months(anchor, months + 1)


def period_key(start: datetime) -> str:
    """A period's subject token: its start date, e.g. `2026_12_01`."""
    return start.astimezone(UTC).strftime("%Y_%m_%d")


def usage_subject(scope: Scope, scope_id: str, metric: str, period: str) -> str:
    """`usage.<ws|org>.<id>.<metric>.<period key>` on the USAGE counter stream."""
    return ".".join(
        (
            "usage",
            scope,
            token("scope_id", scope_id),
            token("metric", metric),
            token("period", period),
        )
    )


def admitted_subject(scope: Scope, scope_id: str, metric: str, period: str) -> str:
    """`usage.<ws|org>.<id>.<metric>.<period key>.admitted`: the enforcer's admission count."""
    return f"{usage_subject(scope, scope_id, metric, period)}.admitted"


def limit_refusal(
    entitlements: Entitlements, metric: str, used: int, *, this_period: bool
) -> tuple[str, str]:
    """(detail, remedy) of a PLAN_LIMIT_REACHED refusal: names the limit, the usage, the plan
    and the plan that lifts it."""
    limit = entitlements.limit(metric)
    plan = entitlements.plan_name or entitlements.plan
    where = "this billing period" if this_period else "now"
    whose = "the organization" if entitlements.scope_of(metric) == "org" else "this workspace"
    detail = f"{metric}: {used} of {limit} used {where} by {whose} on the {plan} plan"
    lift = entitlements.lifted_by.get(metric, "")
    if lift:
        remedy = f"Upgrade to {lift} to lift it."
    else:
        remedy = "This is the largest plan: contact support to raise it."
    if this_period:
        remedy += " The count starts again with the next billing period."
    return detail, remedy


def feature_refusal(entitlements: Entitlements, feature: str) -> tuple[str, str]:
    """(detail, remedy) of a PLAN_FEATURE_MISSING refusal."""
    plan = entitlements.plan_name or entitlements.plan
    detail = f"{feature}: not included in the {plan} plan"
    lift = entitlements.lifted_by.get(feature, "")
    remedy = f"Upgrade to {lift} to use it." if lift else "Contact support."
    return detail, remedy
