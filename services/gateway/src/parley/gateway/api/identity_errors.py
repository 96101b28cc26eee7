"""Identity errors as problem responses: the code stays, the status follows from it."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from parley.gateway.api.problems import FieldProblem, Problem, problem_response
from parley.gateway.application.errors import IdentityError

_STATUS = {
    "EMAIL_TAKEN": 409,
    "INVALID_CREDENTIALS": 401,
    "WEAK_PASSWORD": 422,
    "TOKEN_REJECTED": 401,
    "REFRESH_REUSED": 401,
    "NOT_FOUND": 404,
    "FORBIDDEN": 403,
    "INVITATION_EXPIRED": 410,
    "INVITATION_USED": 409,
    "LAST_OWNER": 409,
    "ALREADY_MEMBER": 409,
    "ROLE_NOT_GRANTABLE": 403,
    "INVALID_REQUEST": 422,
}


def identity_problem(err: IdentityError) -> Problem:
    errors = [FieldProblem(field=err.field, rule=err.message)] if err.field else []
    return Problem(_STATUS.get(err.code, 422), err.code, err.message, errors=errors)


def install(app: FastAPI) -> None:
    @app.exception_handler(IdentityError)
    async def _identity(_: Request, exc: IdentityError) -> JSONResponse:
        return problem_response(identity_problem(exc))
