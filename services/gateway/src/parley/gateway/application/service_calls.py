"""One way to ask a service and turn its refusal into a problem a person can act on.

Services refuse with micro error codes: 400 (the request broke a rule; the message names it),
404 (not in this workspace), 409 (a state conflict). Here they become 422, 404 and 409 problems
with stable codes; anything else passes through to the generic mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

from parley.contracts.messages import Query, Reply
from parley.gateway.adapters.services import ServiceRefused, Services
from parley.gateway.api.problems import FieldProblem, Problem
from parley.gateway.application.plan_refusals import relayed_problem
from parley.runtime.quotas import Quotas

R = TypeVar("R", bound=Reply)


async def ask(
    services: Services,
    service: str,
    name: str,
    workspace_id: str,
    query: Query,
    reply: type[R],
    *,
    what: str,
    ident: str,
    conflict_code: str = "CONFLICT",
) -> R:
    """`what` and `ident` name the thing asked about (`"flow"`, its id) for a 404's detail."""
    try:
        return await services.ask(service, name, workspace_id, query, reply)
    except ServiceRefused as refused:
        if refused.code == "404":
            detail = refused.message or f"{what} {ident!r} not found in this workspace"
            raise Problem(404, "NOT_FOUND", detail) from None
        if refused.code == "400":
            raise Problem(422, "INVALID_REQUEST", refused.message) from None
        if refused.code == "409":
            raise Problem(409, conflict_code, refused.message) from None
        raise


async def reply_problem(
    quotas: Quotas | None,
    workspace_id: str,
    problems: Sequence[tuple[str, str, str]],
    *,
    service: str,
    fallback: str,
    statuses: Mapping[str, int] | None = None,
) -> Problem:
    """The problem of a change refused in its reply (`ok: false`) with (field, rule, code)
    problems, as ai-rag and the scraper answer: a plan's code is the 402 naming the plan that
    lifts it; NOT_FOUND a 404; a code in `statuses` its status; anything else a 422 naming
    each field and its rule."""
    by_code = {"NOT_FOUND": 404, **(statuses or {})}
    for _, rule, code in problems:
        plan = await relayed_problem(quotas, workspace_id, code, rule)
        if plan is not None:
            plan.service = service
            return plan
    codes = [code for _, _, code in problems if code in by_code]
    code = codes[0] if codes else "INVALID_REQUEST"
    errors = [FieldProblem(field=field or "body", rule=rule) for field, rule, _ in problems]
    detail = "; ".join(f"{e.field}: {e.rule}" for e in errors[:5]) or fallback
    return Problem(by_code.get(code, 422), code, detail, errors=errors, service=service)
