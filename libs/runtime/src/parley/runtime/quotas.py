"""Plan limits at the moment of the action, for every service that enforces one.

`Quotas.entitlements(ws)` reads billing's entitlements (cached for half a second, so a new plan
is in force within a second everywhere). A monthly limit is taken with `reserve`: increment the
admission counter (`admitted_subject`, not billing's meter) first, then compare. JetStream
orders the increments of one subject, so with any number of replicas exactly `limit`
reservations see a value within the limit; one that lands past it gives its unit back and is
refused. A reservation whose action fails later is `release`d. Both carry a `Nats-Msg-Id`
derived from the action's key, so a retried reservation or release counts once within the
USAGE stream's duplicate window.

A standing limit (published flows, numbers ...) is counted by its owner; `standing_refusal`
words the refusal the same way everywhere.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from nats.js.errors import BucketNotFoundError, KeyNotFoundError

from parley.contracts.billing.entitlements import (
    ENTITLEMENTS_BUCKET,
    FEATURE_CODE,
    LIMIT_CODE,
    Entitlements,
    Scope,
    admitted_subject,
    current_period,
    feature_refusal,
    limit_refusal,
    period_key,
)
from parley.contracts.streams import USAGE
from parley.runtime import counters

CACHE_SECONDS = 0.5


@dataclass(frozen=True)
class LimitReached:
    """Why an action is refused: `code` PLAN_LIMIT_REACHED or PLAN_FEATURE_MISSING."""

    code: str
    metric: str
    used: int
    limit: int | None
    plan: str
    lifted_by: str
    detail: str  # "<metric>: <used> of <limit> used ... on the <plan> plan"
    remedy: str  # "Upgrade to <plan> to lift it."

    @property
    def message(self) -> str:
        """Detail and remedy as one sentence pair, for a reply's single message field."""
        return f"{self.detail}. {self.remedy}"


@dataclass(frozen=True)
class Reservation:
    """A unit taken from a monthly limit; `release` gives it back (the action did not happen)."""

    subjects: tuple[str, ...]
    key: str
    used: int  # the enforced counter after this reservation


def counter_subjects(
    entitlements: Entitlements, workspace_id: str, metric: str, now: datetime
) -> tuple[str, str]:
    """(enforced, other) admission counters of a monthly metric this period: the organization's
    when the plan pools the metric, else the workspace's; the other is counted for reporting."""
    period = period_key(current_period(entitlements.anchor, now)[0])
    ws = admitted_subject("ws", workspace_id, metric, period)
    org_id = entitlements.organization_id or workspace_id
    org = admitted_subject("org", org_id, metric, period)
    scope: Scope = "org" if metric in entitlements.pooled else "ws"
    return (org, ws) if scope == "org" else (ws, org)


class Quotas:
    def __init__(self, nc: NatsClient, *, cache_seconds: float = CACHE_SECONDS) -> None:
        self._nc = nc
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, Entitlements | None]] = {}

    async def entitlements(self, workspace_id: str) -> Entitlements | None:
        """The workspace's entitlements, or None when billing has written none (no limits)."""
        hit = self._cache.get(workspace_id)
        now = time.monotonic()
        if hit is not None and now - hit[0] < self._cache_seconds:
            return hit[1]
        try:
            kv = await self._nc.jetstream().key_value(ENTITLEMENTS_BUCKET)
            entry = await kv.get(workspace_id)
            found: Entitlements | None = Entitlements.model_validate_json(entry.value or b"{}")
        except (BucketNotFoundError, KeyNotFoundError):
            found = None
        self._cache[workspace_id] = (now, found)
        return found

    async def used(self, entitlements: Entitlements, workspace_id: str, metric: str) -> int:
        enforced, _ = counter_subjects(entitlements, workspace_id, metric, datetime.now(UTC))
        return await counters.value(self._nc.jetstream(), USAGE.name, enforced)

    async def reserve(
        self, workspace_id: str, metric: str, key: str, *, now: datetime | None = None
    ) -> Reservation | LimitReached | None:
        """Take one unit of a monthly limit for the action `key`. None: no limit applies (and
        nothing was counted)."""
        entitlements = await self.entitlements(workspace_id)
        if entitlements is None:
            return None
        moment = now or datetime.now(UTC)
        enforced, other = counter_subjects(entitlements, workspace_id, metric, moment)
        limit = entitlements.limit(metric)
        added = await counters.add(self._nc, enforced, 1, msg_id=f"reserve:{key}:{enforced}")
        if limit is not None and added.value > limit:
            # Past the limit: give the unit back. A retried reservation learns what its first
            # attempt saw (the duplicate's value is the first increment's), so a refused one
            # stays refused and its release, with the same msg id, counts once.
            await counters.add(self._nc, enforced, -1, msg_id=f"release:{key}:{enforced}")
            return limit_reached(entitlements, metric, min(added.value - 1, limit), monthly=True)
        await counters.add(self._nc, other, 1, msg_id=f"reserve:{key}:{other}")
        return Reservation(subjects=(enforced, other), key=key, used=added.value)

    async def release(self, reservation: Reservation) -> None:
        for subject in reservation.subjects:
            await counters.add(self._nc, subject, -1, msg_id=f"release:{reservation.key}:{subject}")

    async def standing_refusal(
        self, workspace_id: str, metric: str, count: int
    ) -> LimitReached | None:
        """Refuse one more of a standing limit when `count` already exist."""
        entitlements = await self.entitlements(workspace_id)
        if entitlements is None:
            return None
        return standing_refusal(entitlements, metric, count)

    async def feature_refusal(self, workspace_id: str, feature: str) -> LimitReached | None:
        entitlements = await self.entitlements(workspace_id)
        if entitlements is None or feature in entitlements.features:
            return None
        detail, remedy = feature_refusal(entitlements, feature)
        return LimitReached(
            code=FEATURE_CODE,
            metric=feature,
            used=0,
            limit=None,
            plan=entitlements.plan,
            lifted_by=entitlements.lifted_by.get(feature, ""),
            detail=detail,
            remedy=remedy,
        )


def standing_refusal(entitlements: Entitlements, metric: str, count: int) -> LimitReached | None:
    limit = entitlements.limit(metric)
    if limit is None or count < limit:
        return None
    return limit_reached(entitlements, metric, count, monthly=False)


def limit_reached(
    entitlements: Entitlements, metric: str, used: int, *, monthly: bool
) -> LimitReached:
    detail, remedy = limit_refusal(entitlements, metric, used, this_period=monthly)
    return LimitReached(
        code=LIMIT_CODE,
        metric=metric,
        used=used,
        limit=entitlements.limit(metric),
        plan=entitlements.plan,
        lifted_by=entitlements.lifted_by.get(metric, ""),
        detail=detail,
        remedy=remedy,
    )
