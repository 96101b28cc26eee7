"""Asking another service a query over NATS request/reply (its `nats.micro` endpoint)."""

from __future__ import annotations

from typing import TypeVar

from nats.aio.client import Client as NatsClient
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Query, Reply
from parley.runtime.queries import query_subject

R = TypeVar("R", bound=Reply)


class Unanswered(Exception):
    """The service refused the query, or nobody answered it in time."""

    def __init__(self, service: str, code: str, description: str) -> None:
        super().__init__(f"{service} answered {code}: {description}")
        self.service = service
        self.code = code
        self.description = description


async def ask(
    nc: NatsClient,
    service: str,
    name: str,
    workspace_id: str,
    query: Query,
    reply: type[R],
    *,
    timeout: float = 10.0,
) -> R:
    envelope = Envelope.wrap(query, workspace_id=workspace_id)
    try:
        answer = await nc.request(
            query_subject(service, name), envelope.to_bytes(), timeout=timeout
        )
    except NoRespondersError:
        raise Unanswered(service, "503", f"the {service} service is not running") from None
    except NatsTimeout:
        raise Unanswered(
            service, "504", f"the {service} service did not answer in {timeout}s"
        ) from None
    headers = answer.headers or {}
    if "Nats-Service-Error-Code" in headers:
        raise Unanswered(
            service, headers["Nats-Service-Error-Code"], headers.get("Nats-Service-Error", "")
        )
    return reply.model_validate_json(answer.data)
