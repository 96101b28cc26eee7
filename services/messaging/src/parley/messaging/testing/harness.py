"""Driving a running messaging service over NATS, as the gateway and the flow engine do.

Shared by the service's tests, the e2e tests and `bench/messaging.py`.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Event, Query, Reply
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.registry import registry
from parley.contracts.subjects import command_subject
from parley.runtime.queries import query_subject

R = TypeVar("R", bound=Reply)
T = TypeVar("T")
# Credentials the fake Cloud API is started with in tests and benchmarks.
FAKE_TOKEN = "EAAG-test-access-token-0123456789"
FAKE_APP_SECRET = "test-app-secret-0123456789"
_numbers = itertools.count(1)

# The route each query answers on.
QUERY_NAMES = {
    "messaging.ChangeChannel": "change-channel",
    "messaging.ListChannels": "list-channels",
    "messaging.GetNumberHealth": "number-health",
    "messaging.SandboxSend": "sandbox-send",
    "messaging.SandboxConversation": "sandbox-conversation",
    "messaging.VerifyWebhook": "verify-webhook",
    "messaging.VerifyWebhookSubscription": "verify-webhook-subscription",
}


class QueryFailed(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(f"{code}: {description}")
        self.code = code
        self.description = description


async def ask(nc: NatsClient, workspace_id: str, query: Query, reply: type[R]) -> R:
    subject = query_subject("messaging", QUERY_NAMES[query.wire_name])
    envelope = Envelope.wrap(query, workspace_id=workspace_id)
    answer = await nc.request(subject, envelope.to_bytes(), timeout=10)
    headers = answer.headers or {}
    if "Nats-Service-Error-Code" in headers:
        raise QueryFailed(headers["Nats-Service-Error-Code"], headers.get("Nats-Service-Error", ""))
    return reply.model_validate_json(answer.data)


async def send(nc: NatsClient, workspace_id: str, command: SendMessage) -> None:
    token = command_token(command.command_id)
    subject = command_subject("messaging", workspace_id, token)
    envelope = Envelope.wrap(command, workspace_id=workspace_id)
    headers = {"Nats-Msg-Id": f"{workspace_id}.{token}"}
    await nc.jetstream().publish(subject, envelope.to_bytes(), headers=headers)


def text(body: str) -> dict[str, Any]:
    return {"kind": "text", "body": body}


def template(name: str = "hello_world", language: str = "en_US") -> dict[str, Any]:
    return {"kind": "template", "name": name, "language": language}


def phone_number_id() -> str:
    """A provider number id no other test uses (the fake and the KV are shared)."""
    return f"{(asyncio.get_running_loop().time() * 1e6):.0f}{next(_numbers):04d}"[-15:]


async def events_of(
    nc: NatsClient, workspace_id: str, subject_filter: str | None = None
) -> list[tuple[str, Event]]:
    """Every event on messaging.evt.<ws>.> so far, as (subject, event)."""
    js = nc.jetstream()
    subject = subject_filter or f"messaging.evt.{workspace_id}.>"
    sub = await js.subscribe(subject, ordered_consumer=True)
    found: list[tuple[str, Event]] = []
    try:
        while True:
            try:
                msg = await sub.next_msg(timeout=0.3)
            except TimeoutError:
                break
            decoded = registry.decode(Envelope.from_bytes(msg.data))
            if isinstance(decoded, Event):
                found.append((msg.subject, decoded))
    finally:
        await sub.unsubscribe()
    return found


async def until(fetch: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
    """Poll `fetch` until it returns something truthy, and return that; fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        found = await fetch()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing within {timeout}s (last: {found!r})")
        await asyncio.sleep(0.05)
