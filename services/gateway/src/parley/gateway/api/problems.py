"""RFC 9457 problem details: every error the API returns, in one shape.

`{"type", "title", "status", "detail", "code", "errors": [{"field", "rule"}]}` with the media type
`application/problem+json`. `code` is stable and meant for programs; `detail` for people; each
entry of `errors` names a field (dotted, as in the request) and the rule it broke. A plan's
refusal (402 PLAN_LIMIT_REACHED or PLAN_FEATURE_MISSING) adds `upgrade: {plan_name}` when a
larger plan lifts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from parley.gateway.adapters.services import RequestTooLarge, ServiceRefused, ServiceUnavailable
from parley.runtime.logs import get_logger

log = get_logger("parley.gateway.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    402: "Payment required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal error",
    502: "Bad gateway",
    503: "Service unavailable",
}
# What a service's refusal code means over HTTP.
_REFUSAL_STATUS = {
    "400": 422,
    "403": 403,
    "404": 404,
    "409": 409,
    "PLAN_LIMIT_REACHED": 402,
    "PLAN_FEATURE_MISSING": 402,
}


class FieldProblem(BaseModel):
    model_config = ConfigDict(frozen=True)
    field: str
    rule: str


class Upgrade(BaseModel):
    """The plan that lifts the limit (or has the feature) a refusal names."""

    model_config = ConfigDict(frozen=True)
    plan_name: str


class ProblemDetail(BaseModel):
    """The body of every error response."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldProblem] = []
    service: str | None = None
    upgrade: Upgrade | None = None


class Problem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
        service: str | None = None,
        upgrade: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.service = service
        self.upgrade = upgrade  # the name of the plan that lifts a plan's refusal

    def body(self) -> ProblemDetail:
        return ProblemDetail(
            title=_TITLES.get(self.status, "Error"),
            status=self.status,
            detail=self.detail,
            code=self.code,
            errors=self.errors,
            service=self.service,
            upgrade=Upgrade(plan_name=self.upgrade) if self.upgrade else None,
        )


def not_found(what: str, ident: str) -> Problem:
    return Problem(404, "NOT_FOUND", f"{what} {ident!r} not found in this workspace")


def invalid(field: str, rule: str, code: str = "INVALID_REQUEST") -> Problem:
    return Problem(422, code, f"{field}: {rule}", errors=[FieldProblem(field=field, rule=rule)])


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(
        problem.body().model_dump(mode="json", exclude_none=True),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=problem.headers,
    )


def _field_of(location: tuple[Any, ...]) -> str:
    # ("body", "graph", "nodes", 0, "id") -> "graph.nodes.0.id"; query/path/header keep their name.
    parts = [str(p) for p in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def validation_problem(found: Sequence[Any]) -> Problem:
    """A 422 naming each field and its rule, from pydantic's (or FastAPI's) error list."""
    errors = [
        FieldProblem(field=_field_of(tuple(e.get("loc", ()))), rule=_rule_of(e)) for e in found
    ]
    summary = "; ".join(f"{e.field}: {e.rule}" for e in errors[:5])
    return Problem(422, "INVALID_REQUEST", summary or "the request is invalid", errors=errors)


def _rule_of(error: dict[str, Any]) -> str:
    if error.get("type") == "missing":
        return "required"
    if error.get("type") == "extra_forbidden":
        return "unknown field"
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


def from_refusal(refused: ServiceRefused) -> Problem:
    status = _REFUSAL_STATUS.get(refused.code, 422 if refused.code.isalpha() else 502)
    return Problem(status, refused.code, refused.message or "refused", service=refused.service)


def install(app: FastAPI) -> None:
    """Map every error the app can raise to a problem response."""

    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(validation_problem(exc.errors()))

    @app.exception_handler(ServiceUnavailable)
    async def _unavailable(_: Request, exc: ServiceUnavailable) -> JSONResponse:
        log.warning("service unavailable", service=exc.service, why=exc.why)
        return problem_response(
            Problem(
                503,
                "SERVICE_UNAVAILABLE",
                str(exc),
                service=exc.service,
                headers={"Retry-After": "5"},
            )
        )

    @app.exception_handler(RequestTooLarge)
    async def _too_large(_: Request, exc: RequestTooLarge) -> JSONResponse:
        return problem_response(Problem(413, "REQUEST_TOO_LARGE", str(exc), service=exc.service))

    @app.exception_handler(ServiceRefused)
    async def _refused(_: Request, exc: ServiceRefused) -> JSONResponse:
        return problem_response(from_refusal(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
        return problem_response(
            Problem(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("request failed", path=request.url.path)
        return problem_response(Problem(500, "INTERNAL", "the gateway failed; see its log"))
