"""A campaign on a 3-node JetStream cluster survives the death of a node (issue 10, item 5).

Three nats-server processes on loopback (`NatsCluster`, synced writes), every stream and bucket
with 3 replicas (STREAM_REPLICAS=3), messaging, crm and the flow engine connected with NATS_URL
listing all three nodes. A campaign of a few hundred recipients runs; in the middle the node
leading the MESSAGING stream is SIGKILLed, later restarted. Every recipient must reach the fake
WhatsApp Cloud API exactly once: no message lost, none sent twice, none reported
UNKNOWN_OUTCOME. The services get a database of their own: the cluster's stream sequences start at
1 and must not meet the checkpoints other tests left in the shared one.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.campaigns.campaigns import CampaignDefinition, CampaignView
from parley.contracts.campaigns.queries import (
    CampaignChangeResult,
    CampaignReply,
    ChangeCampaign,
    GetCampaign,
)
from parley.contracts.crm.events import ContactCreated, ContactOptedIn
from parley.contracts.crm.segment_queries import PreviewSegment, SegmentPreview
from parley.contracts.crm.segments import SegmentFilter
from parley.contracts.envelope import Envelope
from parley.contracts.ids import contact_id_for
from parley.contracts.messages import Query, Reply
from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult
from parley.crm.app import build as build_crm
from parley.crm.settings import CrmSettings
from parley.flow_engine.app import build as build_engine
from parley.flow_engine.settings import FlowEngineSettings
from parley.messaging.app import build as build_messaging
from parley.messaging.settings import MessagingSettings
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, phone_number_id
from parley.runtime.embedded import free_port
from parley.runtime.queries import query_subject
from parley.runtime.service import Service, connect
from parley.runtime.testing.nats_cluster import NatsCluster
from parley.runtime.testing.plugin import eventually

pytestmark = pytest.mark.e2e

RECIPIENTS = 300
RATE = 40  # the number's messages per second: the campaign paces itself at 90% of it
TAG = "cluster"
EVERYONE = {"kind": "group", "match": "all", "conditions": [{"kind": "tag", "tag": TAG}]}
# Every stream these services create, and the send ledger that makes "never twice" hold (a
# bucket is created on first use: checked once the campaign has sent).
STREAMS = ("MESSAGING", "FLOW_ENGINE", "CRM", "TIMERS", "DEADLETTER")
BUCKETS = ("KV_messaging_sends", "KV_messaging_channels", "KV_messaging_rates")


async def assert_three_replicas(nc: NatsClient, names: tuple[str, ...]) -> None:
    js = nc.jetstream(timeout=10)
    for name in names:
        info = await js.stream_info(name)
        assert info.config.num_replicas == 3, (name, info.config.num_replicas)
        assert info.cluster is not None
        assert len(info.cluster.replicas or []) == 2, (name, info.cluster)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    with NatsCluster(tmp_path / "nats") as started:
        yield started


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudApi]:
    number = phone_number_id()
    api = FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        display_phone_number="1555" + number[-7:],
        messages_per_second=None,
        pair_burst=None,
        messaging_limit="TIER_100K",
    )
    async with api:
        yield api


async def ask(
    nc: NatsClient, service: str, name: str, ws: str, query: Query, reply: type[Any]
) -> Any:
    answer = await nc.request(
        query_subject(service, name), Envelope.wrap(query, workspace_id=ws).to_bytes(), timeout=30
    )
    assert "Nats-Service-Error-Code" not in (answer.headers or {}), answer.headers
    parsed: Reply = reply.model_validate_json(answer.data)
    return parsed


async def answered(
    nc: NatsClient, service: str, name: str, ws: str, query: Query, reply: type[Any]
) -> Any:
    """`ask`, or None while the cluster is electing (a query may time out meanwhile)."""
    try:
        return await ask(nc, service, name, ws, query, reply)
    except Exception:  # noqa: BLE001 - retried by the caller's eventually
        return None


async def change(
    nc: NatsClient, ws: str, cid: str, action: str, **extra: Any
) -> CampaignChangeResult:
    request = ChangeCampaign(campaign_id=cid, action=action, **extra)  # type: ignore[arg-type]
    result: CampaignChangeResult = await ask(
        nc, "flow-engine", "change-campaign", ws, request, CampaignChangeResult
    )
    return result


async def add_contacts(nc: NatsClient, ws: str, count: int) -> None:
    """`count` opted-in contacts tagged TAG, as crm's own events (crm projects them)."""
    js = nc.jetstream(timeout=10)
    now = datetime.now(UTC)
    pending = []
    for n in range(count):
        wa_id = f"1555{n:07d}"
        cid = contact_id_for(ws, wa_id)
        subject = f"crm.evt.{ws}.{cid}"
        created = ContactCreated(
            contact_id=cid, phone=f"+{wa_id}", name=f"Contact {n}", tags=(TAG,),
            source="import", at=now,
        )  # fmt: skip
        opted = ContactOptedIn(contact_id=cid, at=now, source="test", wording="yes")
        for event in (created, opted):
            pending.append(js.publish(subject, Envelope.wrap(event, workspace_id=ws).to_bytes()))
    await asyncio.gather(*pending)


def template_campaign() -> CampaignDefinition:
    return CampaignDefinition.model_validate(
        {
            "name": "Cluster promo",
            "kind": "template",
            "filter": EVERYONE,
            "template": {"kind": "template", "name": "winter_promo", "language": "en_US"},
        }
    )


async def running(service: Service) -> asyncio.Task[None]:
    task = asyncio.create_task(service.run(), name=f"service {service.name}")
    await eventually(lambda: service.phase == "running", timeout=60)
    return task


@pytest.mark.timeout(420)
async def test_a_node_killed_mid_campaign_loses_no_message_and_sends_none_twice(
    cluster: NatsCluster, fake: FakeCloudApi, own_database: str
) -> None:
    began = time.monotonic()
    await eventually(lambda: cluster.meta_leader() is not None, timeout=30, interval=0.2)
    urls = {"nats_url": cluster.url, "database_url": own_database, "stream_replicas": 3}
    services = [
        build_messaging(
            MessagingSettings.model_validate(
                {**urls, "health_port": free_port(), "whatsapp_api_base_url": fake.base_url}
            )
        ),
        build_crm(CrmSettings.model_validate({**urls, "health_port": free_port()})),
        build_engine(FlowEngineSettings.model_validate({**urls, "health_port": free_port()})),
    ]
    tasks = [await running(s) for s in services]
    nc = NatsClient()
    await nc.connect(connect.servers(cluster.url), max_reconnect_attempts=-1, reconnect_time_wait=1)
    try:
        ws = f"ws-{uuid.uuid4().hex[:12]}"
        payload = {
            "phone_number_id": fake.default_phone_number_id,
            "business_account_id": fake.waba_id,
            "access_token": FAKE_TOKEN,
            "app_secret": FAKE_APP_SECRET,
            "verify_token": "verify-me-please",
            "warmup": False,
            "messages_per_second": RATE,
        }
        connected = ChangeChannel(channel_id="main", action="connect_cloud_api", payload=payload)
        assert (await ask(nc, "messaging", "change-channel", ws, connected, ChannelChangeResult)).ok
        await add_contacts(nc, ws, RECIPIENTS)
        everyone = PreviewSegment(filter=SegmentFilter.model_validate(EVERYONE), sample=0)

        async def audience_projected() -> bool:
            preview = await ask(nc, "crm", "preview-segment", ws, everyone, SegmentPreview)
            return bool(preview.count == RECIPIENTS)

        await eventually(audience_projected, timeout=180, interval=0.25)

        await assert_three_replicas(nc, STREAMS)
        js = nc.jetstream(timeout=10)

        cid = "cmp-cluster"
        assert (await change(nc, ws, cid, "create", definition=template_campaign())).ok
        launched = await change(nc, ws, cid, "launch")
        assert launched.ok, launched
        assert launched.campaign is not None
        assert launched.campaign.stats.targeted == RECIPIENTS

        await eventually(lambda: len(fake.sent) >= RECIPIENTS // 3, timeout=60, interval=0.05)
        leader = (await js.stream_info("MESSAGING")).cluster
        assert leader is not None
        assert leader.leader is not None
        victim = cluster.node(leader.leader)
        victim.kill()
        sent_at_kill = len(fake.sent)
        killed_at = time.monotonic()
        assert sent_at_kill < RECIPIENTS, "the kill came too late to prove anything"

        # The campaign goes on without the node ...
        await eventually(
            lambda: len(fake.sent) >= sent_at_kill + RECIPIENTS // 6, timeout=60, interval=0.1
        )
        resumed_after = time.monotonic() - killed_at
        # ... and the node comes back and catches up while it finishes.
        cluster.restart(victim)
        get = GetCampaign(campaign_id=cid)

        last: list[CampaignView] = []

        async def completed() -> bool:
            reply = await answered(nc, "flow-engine", "get-campaign", ws, get, CampaignReply)
            if reply is None:
                return False
            view: CampaignView = reply.campaign
            last[:] = [view]
            return view.status == "completed" and view.stats.sent == RECIPIENTS

        try:
            await eventually(completed, timeout=120, interval=0.5)
        except AssertionError:
            seen = (last[0].status, last[0].stats) if last else None
            raise AssertionError(f"not completed: {seen}; the fake has {len(fake.sent)}") from None
        recipients = [
            m.wa_id for m in fake.sent if m.phone_number_id == fake.default_phone_number_id
        ]
        assert len(recipients) == len(set(recipients)), "the fake saw a message twice"
        assert sorted(recipients) == sorted(f"1555{n:07d}" for n in range(RECIPIENTS))
        view = (await ask(nc, "flow-engine", "get-campaign", ws, get, CampaignReply)).campaign
        assert (view.stats.failed, view.stats.pending) == (0, 0), view.stats
        await assert_three_replicas(nc, BUCKETS)

        async def caught_up() -> bool:
            info = await js.stream_info("MESSAGING")
            peers = info.cluster.replicas if info.cluster else None
            return bool(peers) and all(p.current for p in peers or [])

        await eventually(caught_up, timeout=30, interval=0.5)
        print(
            f"\ncluster campaign: killed {victim.name} (MESSAGING leader) after {sent_at_kill}"
            f" sends, {RECIPIENTS // 6} more sent {resumed_after:.1f}s later;"
            f" whole test {time.monotonic() - began:.1f}s"
        )
    finally:
        await nc.close()
        for service in reversed(services):
            service.stop()
        for task in tasks:
            await asyncio.wait_for(task, 20)
