"""Every error of the GraphQL API, in the shape of the REST problems.

A refusal becomes a GraphQL error whose `extensions` carry what a program needs:
`{code, status, errors: [{field, rule}], service?, upgrade?: {planName}}`, the same code and
status the REST route would answer with. Anything unexpected is logged with its traceback and
leaves as `INTERNAL`, its message withheld: a client never sees a traceback or an exception's
text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphql import GraphQLError
from pydantic import ValidationError
from strawberry.extensions import MaskErrors
from strawberry.utils.str_converters import to_camel_case

from parley.contracts.subjects import InvalidSubjectToken
from parley.gateway.adapters.services import ServiceRefused, ServiceUnavailable
from parley.gateway.api.identity_errors import identity_problem
from parley.gateway.api.problems import FieldProblem, Problem, from_refusal, validation_problem
from parley.gateway.application.errors import IdentityError
from parley.gateway.live import ReplayFailed, ResumeError
from parley.runtime.logs import get_logger

log = get_logger("parley.gateway.graphql")

INTERNAL_MESSAGE = "the gateway failed; see its log"


def problem_error(problem: Problem) -> GraphQLError:
    extensions: dict[str, Any] = {
        "code": problem.code,
        "status": problem.status,
        "errors": [{"field": e.field, "rule": e.rule} for e in problem.errors],
    }
    if problem.service is not None:
        extensions["service"] = problem.service
    if problem.upgrade:
        extensions["upgrade"] = {"planName": problem.upgrade}
    return GraphQLError(problem.detail, extensions=extensions)


def _argument_names(problem: Problem) -> Problem:
    """Field names as a GraphQL client wrote them: `flow_id` -> `flowId` (the first part only:
    what follows is inside a JSON value, whose keys stay as they are)."""
    errors = []
    for error in problem.errors:
        head, dot, rest = error.field.partition(".")
        errors.append(FieldProblem(field=to_camel_case(head) + dot + rest, rule=error.rule))
    return Problem(problem.status, problem.code, problem.detail, errors=errors)


def graphql_error(exc: Exception) -> GraphQLError:
    """The GraphQL error a client sees for an exception raised while resolving a field."""
    if isinstance(exc, GraphQLError):
        return exc
    if isinstance(exc, Problem):
        return problem_error(exc)
    if isinstance(exc, ValidationError):
        return problem_error(_argument_names(validation_problem(exc.errors())))
    if isinstance(exc, IdentityError):
        return problem_error(identity_problem(exc))
    if isinstance(exc, ServiceRefused):
        return problem_error(from_refusal(exc))
    if isinstance(exc, ResumeError):
        errors = [FieldProblem(field=to_camel_case(exc.field), rule=str(exc))]
        return problem_error(Problem(422, "INVALID_REQUEST", str(exc), errors=errors))
    if isinstance(exc, InvalidSubjectToken):
        return problem_error(Problem(422, "INVALID_REQUEST", str(exc)))
    if isinstance(exc, ReplayFailed):
        log.warning("live replay failed", why=str(exc))
        return problem_error(Problem(503, "SERVICE_UNAVAILABLE", f"{exc}; subscribe again"))
    if isinstance(exc, ServiceUnavailable):
        log.warning("service unavailable", service=exc.service, why=exc.why)
        return problem_error(Problem(503, "SERVICE_UNAVAILABLE", str(exc), service=exc.service))
    log.error("graphql resolver failed", exc_info=exc)
    return internal_error()


def internal_error() -> GraphQLError:
    return GraphQLError(INTERNAL_MESSAGE, extensions={"code": "INTERNAL", "status": 500})


@contextmanager
def translated() -> Iterator[None]:
    """Raise whatever the block raises as the GraphQL error a client may see."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - every error leaves translated, or masked
        raise graphql_error(exc) from None


def unexpected(error: GraphQLError) -> bool:
    """An error graphql-core made of an exception that no resolver translated."""
    return error.original_error is not None and not isinstance(error.original_error, GraphQLError)


class MaskUnexpected(MaskErrors):
    """The safety net behind `translated`: an untranslated exception is logged, then leaves
    as INTERNAL without its message."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=unexpected, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        log.error("graphql execution failed", path=error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL", "status": 500}
        return masked
