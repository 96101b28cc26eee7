"""Durable timers, counters and KV compare-and-set against real nats-server processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig, StreamConfig

from parley.contracts.envelope import Envelope
from parley.contracts.streams import TIMERS
from parley.runtime import counters, timers
from parley.runtime.consumers import ConsumerSpec, ensure_consumer
from parley.runtime.embedded import EmbeddedNats
from parley.runtime.kv import LazyBucket, cas_update
from parley.runtime.streams import ensure_stream

from .ledger import Deposited


async def test_a_timer_fires_although_nats_restarted_in_between(tmp_path: Path) -> None:
    server = EmbeddedNats(store_dir=tmp_path / "nats")  # our own server: we restart it
    server.start()
    try:
        nc = await nats.connect(server.url, max_reconnect_attempts=-1, reconnect_time_wait=0.1)
        js = nc.jetstream()
        await ensure_stream(js, TIMERS)
        envelope = Envelope.wrap(Deposited(amount=42), workspace_id="ws1")
        fire_at = datetime.now(UTC) + timedelta(seconds=2)
        await timers.schedule(js, context="exec", timer_id="t1", fire_at=fire_at, envelope=envelope)
        spec = ConsumerSpec(TIMERS.name, "exec-timers", (timers.fire_filter("exec"),))
        await ensure_consumer(js, spec)
        await nc.close()

        server.restart()  # the whole server goes away and comes back from its store

        nc = await nats.connect(server.url)
        sub = await nc.jetstream().pull_subscribe_bind(spec.durable, spec.stream)
        deadline = time.monotonic() + 15
        fired = None
        while fired is None and time.monotonic() < deadline:
            try:
                fired = (await sub.fetch(1, timeout=1))[0]
            except TimeoutError:
                continue
        assert fired is not None, "the timer never fired"
        assert datetime.now(UTC) >= fire_at  # never early: the time is rounded up to the second
        assert fired.subject == "timer.fire.exec.ws1.t1"
        assert Envelope.from_bytes(fired.data) == envelope
        await fired.ack()
        await nc.close()
    finally:
        server.stop()


async def test_a_cancelled_timer_never_fires(nc: NatsClient, unique: Callable[[str], str]) -> None:
    js = nc.jetstream()
    await ensure_stream(js, TIMERS)
    timer_id = unique("cancel")
    envelope = Envelope.wrap(Deposited(amount=1), workspace_id="ws1")
    soon = datetime.now(UTC) + timedelta(seconds=1)
    await timers.schedule(js, context="exec", timer_id=timer_id, fire_at=soon, envelope=envelope)
    await timers.cancel(js, context="exec", workspace_id="ws1", timer_id=timer_id)
    sub = await js.subscribe(f"timer.fire.exec.ws1.{timer_id}", ordered_consumer=True)
    try:
        with pytest.raises(TimeoutError):  # 1.5 s past its time, and still nothing
            await sub.next_msg(timeout=2.5)
    finally:
        await sub.unsubscribe()


async def test_counters_add_up_and_a_repeated_msg_id_counts_once(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    js = nc.jetstream()
    stream = unique("CTR")
    prefix = unique("ctr").lower()
    await js.add_stream(StreamConfig(name=stream, subjects=[f"{prefix}.>"], allow_msg_counter=True))
    subject = f"{prefix}.messages.ws1"
    assert await counters.value(js, stream, subject) == 0
    assert await counters.increment(nc, subject, 5, msg_id="evt-1") == 5
    assert await counters.increment(nc, subject, 5, msg_id="evt-1") == 5  # redelivered event
    assert await counters.increment(nc, subject, -2, msg_id="evt-2") == 3
    results = await asyncio.gather(*(counters.increment(nc, subject) for _ in range(50)))
    assert max(results) == 53
    assert await counters.value(js, stream, subject) == 53
    await js.delete_stream(stream)


async def test_cas_updates_from_racing_writers_lose_nothing(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    js = nc.jetstream()
    bucket = unique("bucket")
    kv = await js.create_key_value(KeyValueConfig(bucket=bucket))

    def add_one(current: bytes | None) -> bytes:
        return str(int(current or b"0") + 1).encode()

    await asyncio.gather(*(cas_update(kv, "tokens", add_one) for _ in range(40)))
    assert (await kv.get("tokens")).value == b"40"
    await js.delete_key_value(bucket)


async def test_a_change_that_changes_nothing_writes_nothing_and_buckets_open_lazily(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    bucket = unique("bucket")
    lazy = LazyBucket(nc, KeyValueConfig(bucket=bucket, history=1))
    again = LazyBucket(nc, KeyValueConfig(bucket=bucket, history=1))
    kv = await lazy()  # created on first use
    await (await again()).put("seen", b"yes")  # and opened as it is by anyone else
    assert (await kv.get("seen")).value == b"yes"
    _, revision = await cas_update(kv, "k", lambda _: b"v")
    stored, unchanged = await cas_update(kv, "k", lambda current: None)
    assert (stored, unchanged) == (b"v", revision)
    assert (await kv.get("k")).revision == revision
    assert await cas_update(kv, "absent", lambda current: None) == (None, None)
    await nc.jetstream().delete_key_value(bucket)


async def test_a_repeated_increment_answers_with_the_value_its_first_one_produced(
    nc: NatsClient, unique: Callable[[str], str]
) -> None:
    js = nc.jetstream()
    stream, prefix = unique("CTR"), unique("ctr").lower()
    await js.add_stream(StreamConfig(name=stream, subjects=[f"{prefix}.>"], allow_msg_counter=True))
    subject = f"{prefix}.n"
    first = await counters.add(nc, subject, 1, msg_id="a")
    await counters.add(nc, subject, 5, msg_id="b")
    again = await counters.add(nc, subject, 1, msg_id="a")
    assert (first.value, first.duplicate) == (1, False)
    assert (again.value, again.duplicate) == (1, True)  # not 6: what "a" produced
    assert await counters.value(js, stream, subject) == 6
    await js.delete_stream(stream)
