"""One way to ask a service and turn its refusal into a problem a person can act on.

Services refuse with micro error codes: 400 (the request broke a rule; the message names it),
404 (not in this workspace), 409 (a state conflict). Here they become 422, 404 and 409 problems
with stable codes; anything else passes through to the generic mapping.
"""

from __future__ import annotations

from typing import TypeVar

from parley.contracts.messages import Query, Reply
from parley.gateway.adapters.services import ServiceRefused, Services
from parley.gateway.api.problems import Problem

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
