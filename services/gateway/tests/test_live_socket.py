"""The WebSocket protocol over a fake socket (our own port), with the real feed and stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.streams import FLOW_ENGINE
from parley.gateway.live import LiveFeed, serve_live_socket
from parley.gateway.live.testing import ExecutionLog, FakeSocket, node_entered, running_feed
from parley.runtime.eventstore import EventStore
from parley.runtime.streams import ensure_streams
from parley.runtime.testing.plugin import eventually


class Principal:
    """The fake of the gateway's authorization: the workspaces it sees and may read."""

    def __init__(self) -> None:
        self.visible: set[str] = set()
        self.readable: set[str] = set()

    async def authorize(self, workspace_id: str, permission: str) -> bool:
        if permission == "workspace:read":
            return workspace_id in self.visible
        assert permission == "executions:read"
        return workspace_id in self.readable

    def grant(self, workspace_id: str) -> None:
        self.visible.add(workspace_id)
        self.readable.add(workspace_id)


class Session:
    def __init__(self, socket: FakeSocket, task: asyncio.Task[None]) -> None:
        self.socket = socket
        self.task = task

    async def subscribed(self, sub_id: str) -> dict[str, Any]:
        await eventually(lambda: bool(self.socket.of_type("subscribed", sub_id)))
        [message] = self.socket.of_type("subscribed", sub_id)
        return message

    async def error(self, count: int) -> dict[str, Any]:
        """The `count`th error received (waiting for it)."""
        await eventually(lambda: len(self.socket.of_type("error")) >= count)
        return self.socket.of_type("error")[count - 1]


@pytest.fixture
async def store(nc: NatsClient) -> EventStore:
    await ensure_streams(nc.jetstream(), (FLOW_ENGINE,))
    return EventStore(nc, FLOW_ENGINE.name)


@pytest.fixture
async def feed(nc: NatsClient) -> AsyncIterator[LiveFeed]:
    async with running_feed(nc) as started:
        yield started


@pytest.fixture
def principal() -> Principal:
    return Principal()


@pytest.fixture
async def serve(
    feed: LiveFeed, js: JetStreamContext, principal: Principal
) -> AsyncIterator[Callable[..., Session]]:
    sessions: list[Session] = []

    def start(**options: Any) -> Session:
        socket = FakeSocket()
        task = asyncio.create_task(
            serve_live_socket(socket, feed.hub, js, authorize=principal.authorize, **options)
        )
        sessions.append(Session(socket, task))
        return sessions[-1]

    yield start
    for session in sessions:
        session.socket.leave()
    await asyncio.wait_for(asyncio.gather(*(s.task for s in sessions)), 10)


def subscribe(sub_id: str, workspace_id: str, **fields: Any) -> dict[str, Any]:
    return {"type": "subscribe", "id": sub_id, "workspace_id": workspace_id, **fields}


async def test_subscribe_receive_ping_unsubscribe_and_leave(
    serve: Callable[..., Session],
    feed: LiveFeed,
    store: EventStore,
    principal: Principal,
    unique: Callable[[str], str],
) -> None:
    ws = unique("ws")
    principal.grant(ws)
    session = serve()
    socket = session.socket
    socket.say(subscribe("all", ws, flow_id=None, execution_id=None, since=None))
    socket.say(subscribe("x1", ws, execution_id="x1"))
    subscribed = await session.subscribed("all")
    await session.subscribed("x1")
    assert subscribed == {
        "type": "subscribed",
        "id": "all",
        "replayed": 0,
        "truncated": False,
        "reason": None,
        "seq": subscribed["seq"],
    }

    x1 = ExecutionLog(store, ws, "x1")
    s1 = await x1.start("f1", node_entered(1))
    await eventually(lambda: len(socket.events("x1")) == 2)
    assert socket.events("all") == [(s1, 0), (s1, 1)]
    first = socket.of_type("event", "all")[0]
    assert {k: v for k, v in first.items() if k != "event"} == {
        "type": "event",
        "id": "all",
        "seq": s1,
        "position": 0,
        "execution_id": "x1",
        "flow_id": "f1",
    }
    assert first["event"]["type"] == "exec.ExecutionStarted"
    assert first["event"]["data"]["flow_id"] == "f1"

    socket.say({"type": "ping"})
    await eventually(lambda: bool(socket.of_type("pong")))
    socket.say({"type": "unsubscribe", "id": "x1"})
    await eventually(lambda: bool(socket.of_type("unsubscribed", "x1")))
    s2 = await x1.append(node_entered(2))
    await eventually(lambda: len(socket.events("all")) == 3)
    assert socket.events("x1") == [(s1, 0), (s1, 1)]  # nothing after unsubscribing
    assert socket.events("all")[-1] == (s2, 0)
    assert feed.hub.subscriber_count(ws) == 1

    socket.leave()
    await asyncio.wait_for(session.task, 10)
    assert feed.hub.subscriber_count(ws) == 0
    assert socket.closed_with is None


async def test_resuming_through_the_socket_replays_before_subscribed(
    serve: Callable[..., Session],
    store: EventStore,
    principal: Principal,
    unique: Callable[[str], str],
) -> None:
    ws = unique("ws")
    principal.grant(ws)
    x1 = ExecutionLog(store, ws, "x1")
    since = await x1.start("f1")
    s1 = await x1.append(node_entered(1), node_entered(2))
    s2 = await x1.append(node_entered(3))
    session = serve()
    session.socket.say(subscribe("a", ws, flow_id="f1", since=since))
    subscribed = await session.subscribed("a")
    assert (subscribed["replayed"], subscribed["truncated"]) == (3, False)
    kinds = [m["type"] for m in session.socket.sent]
    assert kinds == ["event", "event", "event", "subscribed"]
    assert session.socket.events("a") == [(s1, 0), (s1, 1), (s2, 0)]


@pytest.mark.parametrize(
    ("message", "field", "says"),
    [
        ([1, 2], None, "must be a JSON object"),
        ({"id": "a"}, "type", "type must be one of"),
        ({"type": "subscribe!"}, "type", "type must be one of"),
        ({"type": "subscribe", "workspace_id": "ws"}, "id", "id is required"),
        ({"type": "subscribe", "id": 7, "workspace_id": "ws"}, "id", "id must be a string"),
        ({"type": "subscribe", "id": "a"}, "workspace_id", "workspace_id is required"),
        (subscribe("a", "ws.>"), "workspace_id", "cannot be a subject token"),
        (subscribe("a", "ws", flow_id=3), "flow_id", "flow_id must be a string or null"),
        (subscribe("a", "ws", execution_id="*"), "execution_id", "cannot be a subject token"),
        (subscribe("a", "ws", since=True), "since", "since must be null or the seq"),
        (subscribe("a", "ws", since=-1), "since", "since must be null or the seq"),
        (subscribe("a", "ws", sinse=4), "sinse", "unknown field 'sinse'"),
        ({"type": "unsubscribe"}, "id", "id is required"),
    ],
)
async def test_a_malformed_message_is_answered_with_the_field_named(
    serve: Callable[..., Session], message: Any, field: str | None, says: str
) -> None:
    session = serve()
    session.socket.say(message)
    error = await session.error(1)
    assert (error["code"], error["field"]) == ("INVALID", field)
    assert says in error["message"]
    session.socket.say({"type": "ping", "id": "still-there"})
    await eventually(lambda: bool(session.socket.of_type("pong", "still-there")))
    assert session.socket.closed_with is None


async def test_refusals_do_not_close_the_socket(
    serve: Callable[..., Session], principal: Principal, unique: Callable[[str], str]
) -> None:
    ws, hidden, read_only = unique("ws"), unique("hidden"), unique("ro")
    principal.grant(ws)
    principal.visible.add(read_only)
    session = serve()
    socket = session.socket

    socket.say_garbage()
    assert (await session.error(1))["code"] == "INVALID"
    socket.say(subscribe("h", hidden))
    not_found = await session.error(2)
    assert not_found == {
        "type": "error",
        "id": "h",
        "code": "NOT_FOUND",
        "field": "workspace_id",
        "message": f"workspace {hidden!r} not found",
    }
    socket.say(subscribe("r", read_only))
    forbidden = await session.error(3)
    assert (forbidden["code"], forbidden["field"], forbidden["id"]) == (
        "FORBIDDEN",
        "workspace_id",
        "r",
    )
    assert "executions:read" in forbidden["message"]
    socket.say(subscribe("a", ws))
    await session.subscribed("a")
    socket.say(subscribe("a", ws))
    duplicate = await session.error(4)
    assert (duplicate["code"], duplicate["field"]) == ("INVALID", "id")
    socket.say({"type": "unsubscribe", "id": "nope"})
    assert (await session.error(5))["code"] == "NOT_FOUND"
    socket.say(subscribe("future", ws, since=10**15))
    future = await session.error(6)
    assert (future["code"], future["field"]) == ("INVALID", "since")
    socket.say(subscribe("h", ws))  # a refused id is free again
    await session.subscribed("h")
    assert socket.closed_with is None


async def test_more_than_a_hundred_subscriptions_are_refused(
    serve: Callable[..., Session], principal: Principal, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    principal.grant(ws)
    session = serve()
    for n in range(101):
        session.socket.say(subscribe(f"s{n}", ws, execution_id=f"x{n}"))
    error = await session.error(1)
    assert (error["code"], error["id"]) == ("LIMIT", "s100")
    assert "at most 100 subscriptions" in error["message"]
    await eventually(lambda: len(session.socket.of_type("subscribed")) == 100)


async def test_a_client_that_stops_reading_is_closed_with_4008_and_can_resume(
    serve: Callable[..., Session],
    feed: LiveFeed,
    store: EventStore,
    principal: Principal,
    unique: Callable[[str], str],
) -> None:
    ws = unique("ws")
    principal.grant(ws)
    slow = serve(buffer=5)
    slow.socket.say(subscribe("a", ws))
    seq = (await slow.subscribed("a"))["seq"]
    slow.socket.stall()
    x1 = ExecutionLog(store, ws, "x1")
    seqs = [await x1.start("f1")] + [await x1.append(node_entered(n)) for n in range(1, 10)]

    await asyncio.wait_for(slow.task, 10)  # the session ends on its own
    assert slow.socket.closed_with == (
        4008,
        f"slow consumer: more than 5 events buffered; reconnect with since={seq}",
    )
    assert len(slow.socket.closed_with[1].encode()) <= 123  # a WebSocket close reason's limit
    assert feed.hub.subscriber_count(ws) == 0

    again = serve()
    again.socket.say(subscribe("a", ws, since=seq))
    assert (await again.subscribed("a"))["replayed"] == 10
    assert [s for s, _ in again.socket.events("a")] == seqs
