"""Asking a service a query from the command line: one request over NATS, and a readable
failure when nobody answers, the answer is late, or the service refuses."""

from __future__ import annotations

from typing import TypeVar

import nats

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Query, Reply
from parley.runtime.cli.connection import connected
from parley.runtime.queries import query_subject

R = TypeVar("R", bound=Reply)


class QueryFailed(Exception):
    """The service could not be asked, or answered with an error; the message says which."""


async def ask_service(
    url: str,
    service: str,
    name: str,
    workspace: str,
    query: Query,
    reply_type: type[R],
    *,
    timeout: float = 10.0,
) -> R:
    subject = query_subject(service, name)
    async with connected(url) as nc:
        request = Envelope.wrap(query, workspace_id=workspace)
        try:
            reply = await nc.request(subject, request.to_bytes(), timeout=timeout)
        except nats.errors.NoRespondersError:
            raise QueryFailed(
                f"the {service} service is not running (nobody answers on {subject})"
            ) from None
        except TimeoutError:
            raise QueryFailed(
                f"the {service} service did not answer within {timeout:g} s"
            ) from None
    headers = reply.headers or {}
    if "Nats-Service-Error-Code" in headers:
        code = headers["Nats-Service-Error-Code"]
        raise QueryFailed(f"{headers.get('Nats-Service-Error', 'error')} ({code})")
    return reply_type.model_validate_json(reply.data)
