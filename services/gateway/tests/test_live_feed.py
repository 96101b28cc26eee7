"""The live feed on the real FLOW_ENGINE stream: one ordered consumer, fan-out by topic."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.streams import FLOW_ENGINE
from parley.gateway.live import LiveEvent, LiveFeed, Topic
from parley.gateway.live.testing import (
    ExecutionLog,
    FlowsOf,
    node_entered,
    own_nats,
    running_feed,
    take,
)
from parley.runtime.eventstore import EventStore
from parley.runtime.streams import ensure_streams
from parley.runtime.testing.plugin import eventually


@pytest.fixture
async def store(nc: NatsClient) -> EventStore:
    await ensure_streams(nc.jetstream(), (FLOW_ENGINE,))
    return EventStore(nc, FLOW_ENGINE.name)


@pytest.fixture
def flows_of() -> FlowsOf:
    return FlowsOf()


@pytest.fixture
async def feed(nc: NatsClient, flows_of: FlowsOf) -> AsyncIterator[LiveFeed]:
    async with running_feed(nc, flows_of) as started:
        yield started


async def test_an_event_reaches_its_workspace_flow_and_execution_subscribers_only(
    feed: LiveFeed, store: EventStore, unique: Callable[[str], str]
) -> None:
    ws, other_ws = unique("ws"), unique("other")
    hub = feed.hub
    whole = hub.subscribe(Topic(ws))
    flow = hub.subscribe(Topic(ws, flow_id="f1"))
    execution = hub.subscribe(Topic(ws, execution_id="x1"))
    other_flow = hub.subscribe(Topic(ws, flow_id="f2"))
    other_workspace = hub.subscribe(Topic(other_ws))
    x1, x2 = ExecutionLog(store, ws, "x1"), ExecutionLog(store, ws, "x2")

    s1 = await x1.start("f1")
    s2 = await x1.append(node_entered(1))
    s3 = await ExecutionLog(store, other_ws, "x1").start("f1")  # same ids, other workspace
    s4 = await x2.start("f2")

    assert [(e.seq, e.execution_id) for e in await take(whole, 3)] == [
        (s1, "x1"),
        (s2, "x1"),
        (s4, "x2"),
    ]
    assert [e.seq for e in await take(flow, 2)] == [s1, s2]
    assert [e.seq for e in await take(execution, 2)] == [s1, s2]
    # Stream order is delivery order: the first event these get is the only one they match.
    assert [e.seq for e in await take(other_flow, 1)] == [s4]
    [theirs] = await take(other_workspace, 1)
    assert (theirs.seq, theirs.workspace_id) == (s3, other_ws)
    assert (whole.pending, flow.pending, execution.pending) == (0, 0, 0)


async def test_a_commit_arrives_in_order_with_positions_and_the_flow_of_its_start(
    feed: LiveFeed, store: EventStore, unique: Callable[[str], str], flows_of: FlowsOf
) -> None:
    ws = unique("ws")
    sub = feed.hub.subscribe(Topic(ws))
    x1 = ExecutionLog(store, ws, "x1")
    s1 = await x1.start("f1", node_entered(1), node_entered(2))
    s2 = await x1.append(node_entered(3), node_entered(4))

    events = await take(sub, 5)
    assert [e.key for e in events] == [(s1, 0), (s1, 1), (s1, 2), (s2, 0), (s2, 1)]
    assert [e.type for e in events] == ["exec.ExecutionStarted", *["exec.NodeEntered"] * 4]
    assert [e.envelope["data"].get("step") for e in events] == [None, 1, 2, 3, 4]
    assert [e.commit_size for e in events] == [3, 3, 3, 2, 2]
    assert {(e.workspace_id, e.execution_id, e.flow_id) for e in events} == {(ws, "x1", "f1")}
    assert all(e.envelope["workspace_id"] == ws for e in events)
    assert flows_of.asked == []  # the start named the flow


async def test_an_execution_started_before_the_feed_gets_its_flow_asked_once(
    nc: NatsClient, store: EventStore, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    old = ExecutionLog(store, ws, "old")
    await old.start("f1")
    flows_of = FlowsOf({"old": "f1"})
    async with running_feed(nc, flows_of) as feed:
        whole = feed.hub.subscribe(Topic(ws))
        s1 = await old.append(node_entered(1))
        [seen] = await take(whole, 1)
        # Nobody follows a flow in this workspace: nothing to ask, the flow stays unknown.
        assert (seen.seq, seen.flow_id, flows_of.asked) == (s1, None, [])

        flow = feed.hub.subscribe(Topic(ws, flow_id="f1"))
        s2 = await old.append(node_entered(2))
        s3 = await old.append(node_entered(3))
        assert [(e.seq, e.flow_id) for e in await take(flow, 2)] == [(s2, "f1"), (s3, "f1")]
        assert [e.seq for e in await take(whole, 2)] == [s2, s3]
        assert flows_of.asked == [(ws, "old")]


async def test_a_slow_subscriber_is_dropped_while_a_fast_one_receives_everything(
    feed: LiveFeed, store: EventStore, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    slow = feed.hub.subscribe(Topic(ws), buffer=5)
    fast = feed.hub.subscribe(Topic(ws), buffer=1000)
    received: list[LiveEvent] = []

    async def read_fast() -> None:
        async for event in fast:
            received.append(event)
            if len(received) == 40:
                return

    reader = asyncio.create_task(read_fast())
    x1 = ExecutionLog(store, ws, "x1")
    first = await x1.start("f1", node_entered(1))
    expected = [(first, 0), (first, 1)]
    for step in range(2, 40, 2):
        seq = await x1.append(node_entered(step), node_entered(step + 1))
        expected += [(seq, 0), (seq, 1)]
    await asyncio.wait_for(reader, 10)

    assert [e.key for e in received] == expected
    assert slow.overflowed
    assert slow.closed
    assert feed.hub.subscriber_count(ws) == 1


async def test_a_feed_started_before_its_stream_exists_waits_for_it(tmp_path: Path) -> None:
    async with own_nats(tmp_path / "nats") as client:
        feed = LiveFeed(client, flow_of=FlowsOf(), retry_every=0.05)
        await feed.start()  # FLOW_ENGINE does not exist on this server yet
        assert not feed.running
        sub = feed.hub.subscribe(Topic("ws1"))
        await ensure_streams(client.jetstream(), (FLOW_ENGINE,))
        await eventually(lambda: feed.running)
        seq = await ExecutionLog(EventStore(client, FLOW_ENGINE.name), "ws1", "x1").start("f1")
        [event] = await take(sub, 1)
        assert (event.seq, event.flow_id) == (seq, "f1")
        await feed.stop()
        assert sub.closed
