"""The test cluster is a real 3-node JetStream cluster: STREAM_REPLICAS reaches streams and KV
buckets, and a stream keeps taking writes when its leader is SIGKILLed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig

from parley.contracts.streams import StreamSpec
from parley.runtime import kv
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
        assert (await bucket.get("k")).value == b"v1"
    finally:
        await nc.close()
