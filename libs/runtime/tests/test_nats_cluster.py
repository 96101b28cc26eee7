"""The test cluster is a real 3-node JetStream cluster: STREAM_REPLICAS reaches streams and KV
buckets, and a stream keeps taking writes when its leader is SIGKILLed. And what the services
need to ride out a failover: consumers that bind again, writes retried until a deadline."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import KeyValueConfig

from parley.contracts.streams import StreamSpec
from parley.runtime import kv
from parley.runtime.consumers import Consumer, ConsumerSpec
from parley.runtime.retries import retry_until
from parley.runtime.service import connect
from parley.runtime.settings import ServiceSettings
from parley.runtime.streams import ensure_stream
from parley.runtime.testing.nats_cluster import NatsCluster
from parley.runtime.testing.plugin import eventually


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    with NatsCluster(tmp_path / "cluster") as started:
        yield started


def test_nats_url_may_list_a_clusters_nodes() -> None:
    urls = "nats://127.0.0.1:1, nats://127.0.0.1:2,nats://127.0.0.1:3"
    assert connect.servers(urls) == [
        "nats://127.0.0.1:1",
        "nats://127.0.0.1:2",
        "nats://127.0.0.1:3",
    ]
    settings = ServiceSettings(nats_url=urls, database_url="postgresql://u@h/db")
    assert settings.nats_url == urls
    with pytest.raises(ValueError, match="must start with nats://"):
        ServiceSettings(nats_url="nats://a:1,http://b:2", database_url="postgresql://u@h/db")


async def test_r3_stream_and_bucket_survive_their_leaders_death(cluster: NatsCluster) -> None:
    await eventually(lambda: cluster.meta_leader() is not None, timeout=30, interval=0.2)
    nc = NatsClient()
    await nc.connect(connect.servers(cluster.url), max_reconnect_attempts=-1, reconnect_time_wait=1)
    try:
        js = nc.jetstream(timeout=5)
        spec = StreamSpec("CLUSTERED", ("clustered.>",), owner="test", description="r3")
        await ensure_stream(js, spec, replicas=3)
        kv.set_bucket_replicas(nc, 3)
        bucket = await kv.LazyBucket(nc, KeyValueConfig(bucket="clustered", history=1))()
        await bucket.put("k", b"v1")
        info = await js.stream_info("CLUSTERED")
        assert info.config.num_replicas == 3
        assert info.cluster is not None
        assert len(info.cluster.replicas or []) == 2
        assert (await js.stream_info("KV_clustered")).config.num_replicas == 3
        await js.publish("clustered.a", b"1")

        leader = info.cluster.leader
        assert leader is not None
        cluster.node(leader).kill()

        async def written_elsewhere() -> bool:
            try:
                await js.publish("clustered.a", b"2", timeout=1)
                now = await js.stream_info("CLUSTERED")
            except Exception:  # noqa: BLE001 - no leader yet
                return False
            return now.cluster is not None and now.cluster.leader not in (None, leader)

        await eventually(written_elsewhere, timeout=30, interval=0.2)
        assert (await js.stream_info("CLUSTERED")).state.messages >= 2

        async def bucket_kept_its_value() -> bool:
            # The bucket is a raft group of its own: it may still be electing.
            try:
                return (await bucket.get("k")).value == b"v1"
            except Exception:  # noqa: BLE001 - no leader yet
                return False

        await eventually(bucket_kept_its_value, timeout=30, interval=0.2)
    finally:
        await nc.close()


async def test_a_consumer_whose_stream_went_away_binds_again(nc: NatsClient) -> None:
    """What a failover looks like to a pull loop, on one server: fetches fail while the
    stream is gone. The consumer outlives it and handles what comes after."""
    js = nc.jetstream()
    name = f"REBIND_{uuid.uuid4().hex[:8].upper()}"
    spec = StreamSpec(name, (f"{name.lower()}.>",), owner="test", description="rebind")
    await ensure_stream(js, spec)
    handled: list[bytes] = []

    async def handler(msg: Msg) -> None:
        handled.append(msg.data)

    consumer = Consumer(nc, ConsumerSpec(name, "rebind", (f"{name.lower()}.>",)), handler)
    task = asyncio.create_task(consumer.run())
    try:
        await js.publish(f"{name.lower()}.a", b"before")
        await eventually(lambda: handled == [b"before"])
        await js.delete_stream(name)
        await ensure_stream(js, spec)
        await js.publish(f"{name.lower()}.a", b"after")
        await eventually(lambda: handled == [b"before", b"after"], timeout=15)
        assert not task.done()
    finally:
        consumer.stop()
        await asyncio.wait_for(task, 10)
        await js.delete_stream(name)


async def test_retry_until_retries_then_gives_up_at_the_deadline() -> None:
    calls: list[float] = []

    async def flaky() -> str:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise TimeoutError("electing")
        return "written"

    assert await retry_until(flaky, deadline=time.monotonic() + 5, pause=0.01) == "written"
    assert len(calls) == 3

    async def down() -> str:
        raise TimeoutError("still electing")

    began = time.monotonic()
    with pytest.raises(TimeoutError, match="still electing"):
        await retry_until(down, deadline=began + 0.3, pause=0.01)
    assert 0.3 <= time.monotonic() - began < 2
