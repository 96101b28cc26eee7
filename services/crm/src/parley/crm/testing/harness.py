"""Asking a running crm service over NATS, as the gateway and the flow engine do."""

from __future__ import annotations

from typing import TypeVar

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Query, Reply
from parley.runtime.queries import query_subject

R = TypeVar("R", bound=Reply)


class QueryFailed(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


def query_name(query: Query) -> str:
    """`crm.ChangeContact` -> `change-contact`: every crm query answers on its kebab name."""
    bare = query.wire_name.split(".", 1)[1]
    return "".join("-" + ch.lower() if ch.isupper() else ch for ch in bare).lstrip("-")


async def ask(
    nc: NatsClient,
    workspace_id: str,
    query: Query,
    reply: type[R],
    *,
    service: str = "crm",
    timeout: float = 10.0,
) -> R:
    subject = query_subject(service, query_name(query))
    envelope = Envelope.wrap(query, workspace_id=workspace_id)
    answer = await nc.request(subject, envelope.to_bytes(), timeout=timeout)
    headers = answer.headers or {}
    if "Nats-Service-Error-Code" in headers:
        raise QueryFailed(headers["Nats-Service-Error-Code"], headers.get("Nats-Service-Error", ""))
    return reply.model_validate_json(answer.data)
