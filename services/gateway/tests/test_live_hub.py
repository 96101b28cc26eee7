"""The hub's fan-out and the flow directory, in memory (the feed's tests use real NATS)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from parley.contracts.subjects import InvalidSubjectToken
from parley.gateway.live import FlowDirectory, LiveEvent, LiveHub, Topic
from parley.gateway.live.testing import FlowsOf, take

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def commit(
    seq: int, size: int = 1, *, ws: str = "ws1", execution: str = "x1", flow: str | None = "f1"
) -> list[LiveEvent]:
    return [
        LiveEvent(
            seq=seq,
            position=n,
            workspace_id=ws,
            execution_id=execution,
            flow_id=flow,
            type="exec.NodeEntered",
            occurred_at=T0,
            envelope={"type": "exec.NodeEntered", "data": {"step": n}},
            commit_size=size,
        )
        for n in range(size)
    ]


async def test_each_topic_gets_its_events_and_no_other_workspace_s() -> None:
    hub = LiveHub()
    whole = hub.subscribe(Topic("ws1"))
    flow = hub.subscribe(Topic("ws1", flow_id="f1"))
    execution = hub.subscribe(Topic("ws1", execution_id="x1"))
    both = hub.subscribe(Topic("ws1", flow_id="f2", execution_id="x1"))
    other = hub.subscribe(Topic("ws2"))
    assert hub.subscriber_count() == 5
    assert hub.subscriber_count("ws1") == 4
    assert hub.wants_flows("ws1")
    assert not hub.wants_flows("ws2")

    hub.publish(commit(1))  # ws1, x1, f1
    hub.publish(commit(2, execution="x2", flow="f2"))
    hub.publish(commit(3, ws="ws2"))

    assert [e.seq for e in await take(whole, 2)] == [1, 2]
    assert [e.seq for e in await take(flow, 1)] == [1]
    assert [e.seq for e in await take(execution, 1)] == [1]
    assert [e.seq for e in await take(other, 1)] == [3]
    assert (flow.pending, execution.pending, both.pending, other.pending) == (0, 0, 0, 0)


def test_a_topic_cannot_name_a_wildcard_or_another_level() -> None:
    with pytest.raises(InvalidSubjectToken, match="workspace_id"):
        Topic("ws1.>")
    with pytest.raises(InvalidSubjectToken, match="execution_id"):
        Topic("ws1", execution_id="*")


async def test_a_slow_subscription_is_dropped_and_a_fast_one_gets_everything() -> None:
    hub = LiveHub()
    slow = hub.subscribe(Topic("ws1"), buffer=5)
    fast = hub.subscribe(Topic("ws1"))
    for seq in range(1, 21):
        hub.publish(commit(seq))

    assert slow.overflowed
    assert slow.closed
    assert hub.subscriber_count("ws1") == 1
    assert [e.seq async for e in slow] == []  # it had read nothing: nothing half-delivered
    assert [e.seq for e in await take(fast, 20)] == list(range(1, 21))
    assert not fast.overflowed


async def test_a_commit_goes_in_whole_and_an_overflow_finishes_the_commit_being_read() -> None:
    hub = LiveHub()
    sub = hub.subscribe(Topic("ws1"), buffer=4)
    hub.publish(commit(1, 3))
    [first] = await take(sub, 1)
    assert first.key == (1, 0)
    hub.publish(commit(2, 3))  # 2 waiting + 3 > 4: overflow

    assert sub.overflowed
    assert [e.key async for e in sub] == [(1, 1), (1, 2)]


async def test_a_commit_larger_than_the_buffer_still_reaches_an_idle_subscriber() -> None:
    hub = LiveHub()
    sub = hub.subscribe(Topic("ws1"), buffer=2)
    hub.publish(commit(1, 5))
    assert [e.position for e in await take(sub, 5)] == [0, 1, 2, 3, 4]
    assert not sub.overflowed


async def test_close_ends_a_waiting_reader_and_the_hub_closes_everyone() -> None:
    hub = LiveHub()
    sub = hub.subscribe(Topic("ws1", execution_id="x1"))
    waiting = asyncio.Event()

    async def read() -> LiveEvent:
        waiting.set()
        return await anext(sub)  # suspends inside, before the test goes on

    reader = asyncio.create_task(read())
    await waiting.wait()
    sub.close()
    with pytest.raises(StopAsyncIteration):
        await reader
    assert hub.subscriber_count() == 0

    a, b = hub.subscribe(Topic("ws1")), hub.subscribe(Topic("ws2", flow_id="f"))
    closed: list[bool] = []
    a.add_close_callback(lambda s: closed.append(s.overflowed))
    hub.close()
    assert a.closed
    assert b.closed
    assert closed == [False]
    assert not hub.wants_flows("ws2")
    assert hub.subscribe(Topic("ws1")).closed


async def test_the_flow_directory_asks_once_and_remembers_unknown_only_briefly() -> None:
    now = [0.0]
    flows_of = FlowsOf({"x1": "f1"})
    directory = FlowDirectory(flows_of, capacity=2, unknown_ttl=30, clock=lambda: now[0])

    assert await asyncio.gather(*(directory.flow_of("ws1", "x1") for _ in range(5))) == ["f1"] * 5
    assert await directory.flow_of("ws1", "x2") is None
    assert await directory.flow_of("ws1", "x2") is None
    assert flows_of.asked == [("ws1", "x1"), ("ws1", "x2")]
    now[0] = 31.0
    flows_of.answers["x2"] = "f2"
    assert await directory.flow_of("ws1", "x2") == "f2"
    assert len(flows_of.asked) == 3

    directory.remember("ws1", "x3", "f3")  # capacity 2: x1, the least recently used, goes
    assert directory.peek("ws1", "x1") == (False, None)
    assert directory.peek("ws1", "x3") == (True, "f3")


async def test_a_failing_or_slow_lookup_is_unknown_not_an_error() -> None:
    async def broken(workspace_id: str, execution_id: str) -> str | None:
        raise ConnectionError("flow-engine unreachable")

    async def stuck(workspace_id: str, execution_id: str) -> str | None:
        await asyncio.Event().wait()
        return "never"

    assert await FlowDirectory(broken).flow_of("ws1", "x1") is None
    assert await FlowDirectory(stuck, timeout=0.05).flow_of("ws1", "x1") is None
