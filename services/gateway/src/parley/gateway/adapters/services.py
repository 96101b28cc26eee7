"""The gateway's way to the other services: queries over NATS request/reply, commands over
JetStream.

Every call is bounded: a service that does not answer within the timeout, or has no instance
running at all, becomes `ServiceUnavailable(service)`, which the API turns into a 503 naming it,
never a hanging request. A service's refusal (a micro error with a code) becomes `ServiceRefused`.
"""

from __future__ import annotations

from typing import TypeVar

from nats.aio.client import Client as NatsClient
from nats.errors import MaxPayloadError, NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js.errors import NoStreamResponseError
from pydantic import ValidationError

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Command, Query, Reply
from parley.runtime.queries import query_subject

R = TypeVar("R", bound=Reply)


class RequestTooLarge(Exception):
    """The request does not fit in one NATS message to the service."""

    def __init__(self, service: str, size: int) -> None:
        super().__init__(f"the request is too large for the {service} service ({size} bytes)")
        self.service = service
        self.size = size


class ServiceUnavailable(Exception):
    def __init__(self, service: str, why: str) -> None:
        super().__init__(f"the {service} service is unavailable: {why}")
        self.service = service
        self.why = why


class ServiceRefused(Exception):
    """The service understood the request and said no (not found, invalid, ...)."""

    def __init__(self, service: str, code: str, message: str) -> None:
        super().__init__(message)
        self.service = service
        self.code = code
        self.message = message


class Services:
    def __init__(self, nc: NatsClient, *, timeout: float) -> None:
        self._nc = nc
        self._timeout = timeout

    async def ask(
        self, service: str, name: str, workspace_id: str, query: Query, reply: type[R]
    ) -> R:
        envelope = Envelope.wrap(query, workspace_id=workspace_id)
        data = envelope.to_bytes()
        try:
            answer = await self._nc.request(
                query_subject(service, name), data, timeout=self._timeout
            )
        except MaxPayloadError:
            raise RequestTooLarge(service, len(data)) from None
        except NoRespondersError:
            raise ServiceUnavailable(service, "no instance is running") from None
        except NatsTimeoutError:
            raise ServiceUnavailable(
                service, f"no answer within {self._timeout:g} s to {query.wire_name}"
            ) from None
        headers = answer.headers or {}
        if "Nats-Service-Error-Code" in headers:
            raise ServiceRefused(
                service, headers["Nats-Service-Error-Code"], headers.get("Nats-Service-Error", "")
            )
        try:
            return reply.model_validate_json(answer.data)
        except ValidationError as err:
            # A reply we cannot read means the two sides were deployed out of step.
            raise ServiceUnavailable(service, f"unreadable {reply.wire_name}: {err}") from None

    async def send(
        self, service: str, subject: str, workspace_id: str, command: Command, msg_id: str
    ) -> None:
        """Publish a command to JetStream; `msg_id` deduplicates a retried request."""
        envelope = Envelope.wrap(command, workspace_id=workspace_id)
        data = envelope.to_bytes()
        try:
            await self._nc.jetstream(timeout=self._timeout).publish(
                subject, data, headers={"Nats-Msg-Id": msg_id}
            )
        except MaxPayloadError:
            raise RequestTooLarge(service, len(data)) from None
        except (NoRespondersError, NoStreamResponseError, NatsTimeoutError):
            raise ServiceUnavailable(
                service, f"its stream did not take {command.wire_name}"
            ) from None
