"""Test helpers for the live package: real execution events to append, and a fake socket.

`FakeSocket` is a hand-written fake of our own port (`LiveSocket`): the test speaks for the
client with `say`, reads what the server sent in `sent`, and can stop reading (`stall`) to
play a slow client.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import nats
from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot, ExecutionStarted, NodeEntered
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Event
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.gateway.live.feed import LiveFeed
from parley.runtime.embedded import EmbeddedNats
from parley.runtime.eventstore import EventStore
from parley.runtime.streams import ensure_streams

T = TypeVar("T")

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def started(execution_id: str, flow_id: str) -> ExecutionStarted:
    return ExecutionStarted(
        execution_id=execution_id,
        flow_id=flow_id,
        flow_version=1,
        graph=FlowGraph(),
        contact=ContactSnapshot(contact_id="c1", name="Ada"),
        trigger="api",
        at=T0,
    )


def node_entered(step: int) -> NodeEntered:
    return NodeEntered(node_id=f"n{step}", step=step, at=T0)


class ExecutionLog:
    """Appends one execution's events to the real FLOW_ENGINE stream, as the engine does:
    one message per decision (several events: one commit message)."""

    def __init__(self, store: EventStore, workspace_id: str, execution_id: str) -> None:
        self.store = store
        self.workspace_id = workspace_id
        self.execution_id = execution_id
        self.subject = event_subject("exec", workspace_id, execution_id)

    async def start(self, flow_id: str, *more: Event) -> int:
        return await self.append(started(self.execution_id, flow_id), *more)

    async def append(self, *events: Event) -> int:
        """The stream sequence of the message holding them."""
        envelopes = [Envelope.wrap(e, workspace_id=self.workspace_id) for e in events]
        result = await self.store.append(self.subject, envelopes, None)
        return result.last_sequence


class FlowsOf:
    """A fake of the gateway's flow-engine lookup: answers from a dict, records each question."""

    def __init__(self, answers: dict[str, str] | None = None) -> None:
        self.answers = dict(answers or {})
        self.asked: list[tuple[str, str]] = []

    async def __call__(self, workspace_id: str, execution_id: str) -> str | None:
        self.asked.append((workspace_id, execution_id))
        return self.answers.get(execution_id)


@asynccontextmanager
async def running_feed(
    nc: NatsClient, flow_of: Callable[[str, str], Awaitable[str | None]] | None = None
) -> AsyncIterator[LiveFeed]:
    """A started LiveFeed on the real FLOW_ENGINE stream (created if need be), stopped after."""
    await ensure_streams(nc.jetstream(), (FLOW_ENGINE,))
    feed = LiveFeed(nc, flow_of=flow_of or FlowsOf())
    await feed.start()
    try:
        yield feed
    finally:
        await feed.stop()


@asynccontextmanager
async def own_nats(store_dir: Path) -> AsyncIterator[NatsClient]:
    """A nats-server of the test's own, for what the shared one must not see (a purged or
    missing FLOW_ENGINE stream)."""
    server = EmbeddedNats(store_dir=store_dir)
    server.start()
    try:
        client = await nats.connect(server.url)
        try:
            yield client
        finally:
            await client.close()
    finally:
        server.stop()


async def take(items: AsyncIterator[T], count: int, *, timeout: float = 10.0) -> list[T]:
    """The next `count` items, waiting for each (with a deadline)."""
    async with asyncio.timeout(timeout):
        return [await anext(items) for _ in range(count)]


class _Gone:
    pass


class _NotJson:
    pass


class FakeSocket:
    def __init__(self) -> None:
        self._inbox: asyncio.Queue[Any] = asyncio.Queue()
        self.sent: list[dict[str, Any]] = []
        self.closed_with: tuple[int, str] | None = None
        self._reading = asyncio.Event()
        self._reading.set()

    # -- the client's side ------------------------------------------------------------------

    def say(self, message: Any) -> None:
        self._inbox.put_nowait(message)

    def say_garbage(self) -> None:
        """A frame that is not JSON."""
        self._inbox.put_nowait(_NotJson())

    def leave(self) -> None:
        self._inbox.put_nowait(_Gone())

    def stall(self) -> None:
        """Stop reading: every send blocks, as with a client whose TCP window is full."""
        self._reading.clear()

    def read_again(self) -> None:
        self._reading.set()

    def of_type(self, kind: str, sub_id: str | None = None) -> list[dict[str, Any]]:
        return [
            m for m in self.sent if m["type"] == kind and (sub_id is None or m.get("id") == sub_id)
        ]

    def events(self, sub_id: str) -> list[tuple[int, int]]:
        return [(m["seq"], m["position"]) for m in self.of_type("event", sub_id)]

    # -- LiveSocket -------------------------------------------------------------------------

    async def receive_json(self) -> Any:
        item = await self._inbox.get()
        if isinstance(item, _Gone):
            raise ConnectionError("the client left")
        if isinstance(item, _NotJson):
            raise ValueError("Expecting value: line 1 column 1 (char 0)")
        return item

    async def send_json(self, obj: Any) -> None:
        if self.closed_with is not None:
            raise ConnectionError("the socket is closed")
        await self._reading.wait()
        if self.closed_with is not None:
            raise ConnectionError("the socket is closed")
        self.sent.append(json.loads(json.dumps(obj)))  # what the wire would carry

    async def close(self, code: int, reason: str) -> None:
        self.closed_with = (code, reason)
        self._reading.set()
        self._inbox.put_nowait(_Gone())
