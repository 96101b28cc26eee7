"""A plan's refusals as problems: 402 PLAN_LIMIT_REACHED or PLAN_FEATURE_MISSING, naming the
limit, the usage, the plan and the plan that lifts it (`upgrade`).

Two sources: the limits the gateway enforces itself (seats, workspaces, API access), refused by
`parley.runtime.quotas` with a `LimitReached`; and the refusals the services relay in their
replies' code and message (a publish, a launch, a connect). A service's message starts with
the metric or feature it names (`limit_refusal` and `feature_refusal` of the contracts word
every refusal the same way: "published_flows: 3 of 3 used now ..."); the plan that lifts it is
then read from the workspace's entitlements (`lifted_by`), not from the wording. A message whose
first word is no known metric or feature gets no `upgrade`, never a guess.
"""

from __future__ import annotations

from nats.errors import Error as NatsError

from parley.contracts.billing.entitlements import (
    FEATURE_CODE,
    FEATURES,
    LIMIT_CODE,
    MONTHLY,
    STANDING,
)
from parley.gateway.api.problems import Problem
from parley.runtime.quotas import LimitReached, Quotas

PLAN_CODES: frozenset[str] = frozenset({LIMIT_CODE, FEATURE_CODE})
PLAN_STATUS = 402
_NAMES: frozenset[str] = frozenset((*MONTHLY, *STANDING, *FEATURES))


def limit_problem(refused: LimitReached) -> Problem:
    """The 402 of a limit the gateway enforces itself."""
    return Problem(
        PLAN_STATUS,
        refused.code,
        f"{refused.detail}. {refused.remedy}",
        upgrade=refused.lifted_by or None,
    )


def named_metric(message: str) -> str | None:
    """The metric or feature a plan's refusal message names first, if it is one we know."""
    head, colon, _ = message.partition(":")
    return head.strip() if colon and head.strip() in _NAMES else None


async def relayed_problem(
    quotas: Quotas | None, workspace_id: str, code: str, message: str
) -> Problem | None:
    """The 402 of a service's refusal with a plan's code; None for any other code."""
    if code not in PLAN_CODES:
        return None
    upgrade: str | None = None
    metric = named_metric(message)
    if quotas is not None and metric is not None:
        try:
            entitlements = await quotas.entitlements(workspace_id)
        except (NatsError, TimeoutError):
            entitlements = None  # the refusal stands; only the hint is missing
        if entitlements is not None:
            upgrade = entitlements.lifted_by.get(metric) or None
    detail = message or "your plan does not allow this"
    return Problem(PLAN_STATUS, code, detail, upgrade=upgrade)
