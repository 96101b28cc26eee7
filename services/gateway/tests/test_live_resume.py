"""Resuming from `since` on the real stream: replay, then live, with no gap and no duplicate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.streams import FLOW_ENGINE
from parley.gateway.live import CaughtUp, LiveEvent, LiveFeed, LiveHub, ResumeError, Topic, resume
from parley.gateway.live.resume import Resumed
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

Key = tuple[int, int]


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


async def decide(log: ExecutionLog, step: int) -> list[Key]:
    """One decision of one to three events (a commit when more than one)."""
    seq = await log.append(*(node_entered(step + n) for n in range(1 + step % 3)))
    return [(seq, n) for n in range(1 + step % 3)]


async def until_caught_up(resumed: Resumed) -> tuple[list[LiveEvent], CaughtUp]:
    replayed: list[LiveEvent] = []
    async with asyncio.timeout(10):
        async for item in resumed:
            if isinstance(item, CaughtUp):
                return replayed, item
            replayed.append(item)
    raise AssertionError("the resumed subscription ended before catching up")


async def live_events(resumed: Resumed, count: int) -> list[LiveEvent]:
    events = await take(resumed, count)
    assert all(isinstance(e, LiveEvent) for e in events)
    return [e for e in events if isinstance(e, LiveEvent)]


async def test_resuming_mid_stream_while_events_are_appended_gives_each_once_in_order(
    feed: LiveFeed, store: EventStore, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    logs = [ExecutionLog(store, ws, "x1"), ExecutionLog(store, ws, "x2")]
    keys: list[Key] = []
    for log in logs:
        seq = await log.start(f"flow-{log.execution_id}")
        keys.append((seq, 0))
    for step in range(1, 60):
        keys += await decide(logs[step % 2], step)
    since = keys[len(keys) // 2][0]
    before = [k for k in keys if k[0] > since]

    async def append_meanwhile() -> list[Key]:
        appended: list[Key] = []
        for step in range(60, 160):
            appended += await decide(logs[step % 2], step)
        return appended

    appender = asyncio.create_task(append_meanwhile())
    resumed = await resume(feed.hub, js, Topic(ws), since)
    replayed, caught_up = await until_caught_up(resumed)
    appended = await asyncio.wait_for(appender, 30)
    expected = before + appended
    live = await live_events(resumed, len(expected) - len(replayed))
    await resumed.aclose()

    got = [e.key for e in replayed + live]
    assert got == expected
    assert len(replayed) == caught_up.replayed >= len(before)
    assert all(e.seq <= caught_up.seq for e in replayed)
    assert all(e.seq > caught_up.seq for e in live)
    assert not caught_up.truncated
    assert resumed.subscription.closed
    assert feed.hub.subscriber_count(ws) == 0


async def test_a_flow_topic_replays_only_its_executions_asking_for_flows_it_never_saw_start(
    nc: NatsClient, store: EventStore, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    mine, theirs = ExecutionLog(store, ws, "mine"), ExecutionLog(store, ws, "theirs")
    await theirs.start("f2")
    since = await mine.start("f1")  # neither start is replayed
    m1 = await mine.append(node_entered(1))
    await theirs.append(node_entered(1))
    flows_of = FlowsOf({"mine": "f1", "theirs": "f2"})
    async with running_feed(nc, flows_of) as feed:  # started after both executions
        resumed = await resume(feed.hub, js, Topic(ws, flow_id="f1"), since)
        replayed, caught_up = await until_caught_up(resumed)
        m2 = await mine.append(node_entered(2))
        await theirs.append(node_entered(2))
        m3 = await mine.append(node_entered(3))
        live = await live_events(resumed, 2)
        await resumed.aclose()

    assert [e.key for e in replayed] == [(m1, 0)]
    assert caught_up.replayed == 1
    assert [(e.seq, e.flow_id) for e in live] == [(m2, "f1"), (m3, "f1")]
    assert sorted(flows_of.asked) == [(ws, "mine"), (ws, "theirs")]  # once each


async def test_an_execution_topic_replays_from_the_very_start(
    feed: LiveFeed, store: EventStore, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    x1 = ExecutionLog(store, ws, "x1")
    s1 = await x1.start("f1", node_entered(1))
    await ExecutionLog(store, ws, "x2").start("f1")
    s2 = await x1.append(node_entered(2))
    resumed = await resume(feed.hub, js, Topic(ws, execution_id="x1"), 0)
    replayed, caught_up = await until_caught_up(resumed)
    await resumed.aclose()
    assert [e.key for e in replayed] == [(s1, 0), (s1, 1), (s2, 0)]
    assert [e.flow_id for e in replayed] == ["f1"] * 3
    assert (caught_up.replayed, caught_up.truncated) == (3, False)


async def test_past_the_replay_cap_only_the_newest_are_replayed_and_live_follows(
    feed: LiveFeed, store: EventStore, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    x1 = ExecutionLog(store, ws, "x1")
    seqs = [await x1.start("f1")]
    for step in range(1, 12):
        seqs.append(await x1.append(node_entered(step)))

    resumed = await resume(feed.hub, js, Topic(ws), seqs[0] - 1, limit=5)
    replayed, caught_up = await until_caught_up(resumed)
    s_next = await x1.append(node_entered(12))
    [live] = await live_events(resumed, 1)
    await resumed.aclose()

    assert [e.seq for e in replayed] == seqs[-5:]  # nobody else appended meanwhile
    assert caught_up.truncated
    assert caught_up.reason == (
        f"more than 5 events to replay: only those after sequence {seqs[-6]} were replayed"
    )
    assert live.seq == s_next


async def test_since_past_the_stream_s_end_is_refused_naming_since(
    feed: LiveFeed, js: JetStreamContext, unique: Callable[[str], str]
) -> None:
    last = (await js.stream_info(FLOW_ENGINE.name)).state.last_seq
    with pytest.raises(ResumeError, match="past the stream's last sequence") as refused:
        await resume(feed.hub, js, Topic(unique("ws")), last + 1000)
    assert refused.value.field == "since"
    assert feed.hub.subscriber_count() == 0


@pytest.fixture
async def own_server(tmp_path: Path) -> AsyncIterator[NatsClient]:
    """It purges the start of FLOW_ENGINE, which the shared server keeps for everyone else."""
    async with own_nats(tmp_path / "nats") as client:
        yield client


async def test_since_older_than_the_stream_s_first_sequence_is_reported(
    own_server: NatsClient,
) -> None:
    js = own_server.jetstream()
    await ensure_streams(js, (FLOW_ENGINE,))
    x1 = ExecutionLog(EventStore(own_server, FLOW_ENGINE.name), "ws1", "x1")
    seqs = [await x1.start("f1")] + [await x1.append(node_entered(n)) for n in range(1, 5)]
    await js.purge_stream(FLOW_ENGINE.name, seq=seqs[3])  # keeps seqs[3:]

    resumed = await resume(LiveHub(), js, Topic("ws1"), seqs[0])
    replayed, caught_up = await until_caught_up(resumed)
    await resumed.aclose()

    assert [e.seq for e in replayed] == seqs[3:]
    assert caught_up.truncated
    assert caught_up.reason == (
        f"since {seqs[0]} is older than the stream's first sequence {seqs[3]}: "
        "earlier events are no longer stored"
    )
