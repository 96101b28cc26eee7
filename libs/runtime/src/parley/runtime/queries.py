"""Query endpoints: NATS request/reply through the service's `nats.micro` service.

A request is an Envelope holding a registered Query: the envelope names the workspace, so every
query handler is handed the workspace and scopes its reads to it. The reply is the Reply model's
JSON. A request that cannot be understood is answered with a micro error (`Nats-Service-Error`
and `-Code` headers) that says why, never with silence or a traceback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from nats.micro.request import Request
from pydantic import ValidationError

from parley.contracts.envelope import Envelope
from parley.contracts.errors import ContractError
from parley.contracts.messages import Query, Reply
from parley.contracts.registry import registry
from parley.runtime.logs import get_logger

log = get_logger("parley.runtime.queries")

Q = TypeVar("Q", bound=Query)
QueryHandler = Callable[[str, Q], Awaitable[Reply]]  # (workspace_id, query) -> reply


class QueryRefused(Exception):
    """Raised by a handler for a request it cannot answer (not found, not allowed, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def query_subject(service: str, name: str) -> str:
    return f"parley.q.{service}.{name}"


class QueryEndpoint(Generic[Q]):
    def __init__(self, query: type[Q], handler: QueryHandler[Q]) -> None:
        self.query = query
        self.handler = handler

    async def __call__(self, request: Request) -> None:
        try:
            envelope = Envelope.from_bytes(request.data)
            message = registry.decode(envelope)
        except (ValidationError, ContractError) as err:
            await request.respond_error("400", _one_line(f"not a valid query envelope: {err}"))
            return
        if not isinstance(message, self.query):
            expected = self.query.wire_name
            await request.respond_error("400", f"expected {expected}, got {envelope.type}")
            return
        try:
            reply = await self.handler(envelope.workspace_id, message)
        except QueryRefused as refused:
            await request.respond_error(refused.code, str(refused))
            return
        except Exception:
            log.exception("query failed", query=envelope.type, workspace_id=envelope.workspace_id)
            await request.respond_error("500", f"{envelope.type} failed; see the service log")
            return
        await request.respond(reply.model_dump_json().encode())


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]
