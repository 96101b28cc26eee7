"""Asking crm (and the flow engine's campaigns) and turning a refused change into a problem.

crm answers each query on the kebab-case of its wire name (`crm.ChangeContact` on
`change-contact`). A change answers `ok: false` with a stable code and the problems, each with
its field and rule; here that becomes the Problem the REST and GraphQL APIs both return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from parley.contracts.messages import Query, Reply
from parley.gateway.adapters.services import ServiceRefused, Services
from parley.gateway.api.problems import FieldProblem, Problem, validation_problem
from parley.gateway.application.service_calls import ask

CRM = "crm"
R = TypeVar("R", bound=Reply)
M = TypeVar("M", bound=BaseModel)
_SUFFIX_STATUS = {"_NOT_FOUND": 404, "_INVALID": 422, "_EXISTS": 409}


def checked(model: type[M], **fields: Any) -> M:
    """A contract's request from what the caller gave; its rules broken are a 422 naming each
    field (never a 500, even where a route's own checks are looser than the contract's)."""
    try:
        return model(**fields)
    except ValidationError as error:
        raise validation_problem(error.errors()) from None


def query_name(query: Query) -> str:
    """`crm.ListImportErrors` -> `list-import-errors`."""
    bare = query.wire_name.split(".", 1)[-1]
    return re.sub(r"(?<!^)(?=[A-Z])", "-", bare).lower()


async def ask_crm(
    services: Services, workspace_id: str, query: Query, reply: type[R], *, what: str, ident: str
) -> R:
    """A read of crm; its 404 names `what` and `ident`. A refusal with a code of its own
    (`CONTACT_NOT_FOUND`, ...) keeps it, with the status its suffix says."""
    try:
        return await ask(
            services, CRM, query_name(query), workspace_id, query, reply, what=what, ident=ident
        )
    except ServiceRefused as refusal:
        status = refusal_status(refusal.code)
        if status is None:
            raise
        raise Problem(status, refusal.code, refusal.message or f"{what} {ident!r}") from None


def refusal_status(code: str) -> int | None:
    for suffix, status in _SUFFIX_STATUS.items():
        if code.endswith(suffix):
            return status
    return None


def refused(
    code: str,
    message: str,
    problems: Iterable[tuple[str, str]],
    statuses: Mapping[str, int],
    *,
    fallback: str,
) -> Problem:
    """The problem of a change the service did not take: its status from `statuses` (422 for a
    code it does not list), each (field, rule) of the reply in `errors`."""
    return Problem(
        statuses.get(code, 422),
        code or "REFUSED",
        message or fallback,
        errors=[FieldProblem(field=field or "body", rule=rule) for field, rule in problems],
    )
