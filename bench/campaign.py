"""Campaign benchmark: one template campaign to a whole segment, through the real services.

    .venv/bin/python bench/campaign.py [--contacts 100000] [--limit 1000]

crm and the flow engine run in this process, messaging as its own process, against an embedded
nats-server and PostgreSQL; the fake Cloud API (here) enforces the number's `--limit` msg/s and
answers 130429 over it. Contacts are seeded as crm events and awaited in crm's read model; then
one campaign to all of them is created and launched, paced at 90% of the number's limit.

Figures:
- time to first send: the launch request (audience snapshot included) to the fake's first accept;
- sustained rate: sends the fake accepted per second, first to last, against the campaign's pace
  and the number's limit; the busiest second and 130429 answers (goal: 0);
- stats lag: how far get-campaign's `sent` trails the fake, sampled each second, and the time
  from the last accept to `sent` counting every recipient;
- the raw baseline of the same run: a nats-py publisher paced by the same token bucket, a pull
  consumer POSTing each command to the fake (no audience, ledger, limits or events).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from parley.contracts.campaigns.campaigns import CampaignDefinition
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
from parley.contracts.streams import StreamSpec
from parley.crm.app import build as build_crm
from parley.crm.settings import CrmSettings
from parley.flow_engine.app import build as build_engine
from parley.flow_engine.domain.campaigns.pacing import TokenBucket, campaign_rate
from parley.flow_engine.settings import FlowEngineSettings
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN
from parley.messaging.testing.process import messaging_process
from parley.runtime.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.streams import ensure_stream

WS = "ws-bench-campaign"
NUMBER = "100000000000011"
RAW_NUMBER = "100000000000012"
RAW = StreamSpec("BENCH_RAW_CAMPAIGN", ("rawcampaign.>",), "bench", "bench")
EVERYONE = {"kind": "group", "match": "all", "conditions": [{"kind": "tag", "tag": "bench"}]}


async def ask(nc: NatsClient, service: str, name: str, query: Query, reply: type[Any]) -> Any:
    deadline = time.monotonic() + 60  # the messaging process may still be starting
    while True:
        try:
            answer = await nc.request(
                query_subject(service, name),
                Envelope.wrap(query, workspace_id=WS).to_bytes(),
                timeout=600,
            )
            break
        except nats.errors.NoRespondersError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
    if "Nats-Service-Error-Code" in (answer.headers or {}):
        raise RuntimeError(f"{name}: {answer.headers}")
    parsed: Reply = reply.model_validate_json(answer.data)
    return parsed


async def seed(nc: NatsClient, count: int) -> float:
    js = nc.jetstream()
    started = time.perf_counter()
    now = datetime.now(UTC)
    pending: list[Awaitable[Any]] = []
    for n in range(count):
        wa_id = f"1444{n:07d}"
        cid = contact_id_for(WS, wa_id)
        subject = f"crm.evt.{WS}.{cid}"
        created = ContactCreated(
            contact_id=cid,
            phone=f"+{wa_id}",
            name=f"C{n}",
            tags=("bench",),
            source="import",
            at=now,
        )
        opted = ContactOptedIn(contact_id=cid, at=now, source="bench", wording="yes")
        pending.append(js.publish(subject, Envelope.wrap(created, workspace_id=WS).to_bytes()))
        pending.append(js.publish(subject, Envelope.wrap(opted, workspace_id=WS).to_bytes()))
        if len(pending) >= 1000:
            await asyncio.gather(*pending)
            pending = []
    await asyncio.gather(*pending)
    while True:
        preview = await ask(
            nc,
            "crm",
            "preview-segment",
            PreviewSegment(filter=SegmentFilter.model_validate(EVERYONE), sample=0),
            SegmentPreview,
        )
        if preview.by_consent.get("opted_in", 0) >= count:
            return time.perf_counter() - started
        await asyncio.sleep(1.0)


async def campaign(nc: NatsClient, fake: FakeCloudApi, count: int) -> dict[str, Any]:
    definition = CampaignDefinition.model_validate(
        {
            "name": "bench",
            "kind": "template",
            "filter": EVERYONE,
            "template": {
                "kind": "template",
                "name": "promo",
                "language": "en_US",
                "body_parameters": ["{{contact.name}}"],
            },
        }
    )
    create = ChangeCampaign(campaign_id="cmp-bench", action="create", definition=definition)
    assert (await ask(nc, "flow-engine", "change-campaign", create, CampaignChangeResult)).ok
    launched_at = time.time()
    launch = ChangeCampaign(campaign_id="cmp-bench", action="launch")
    result = await ask(nc, "flow-engine", "change-campaign", launch, CampaignChangeResult)
    if not result.ok:
        raise RuntimeError(f"launch refused: {result}")
    answered = time.time() - launched_at
    lags: list[float] = []
    rate = result.campaign.rate_per_second
    while True:
        view = (
            await ask(
                nc,
                "flow-engine",
                "get-campaign",
                GetCampaign(campaign_id="cmp-bench"),
                CampaignReply,
            )
        ).campaign
        accepted = len([m for m in fake.sent if m.phone_number_id == NUMBER])
        lags.append(max(0, accepted - view.stats.sent) / rate)
        if accepted >= count:
            break
        await asyncio.sleep(1.0)
    last_accept = max(m.time for m in fake.sent if m.phone_number_id == NUMBER)
    while view.stats.sent < count:
        await asyncio.sleep(0.05)
        view = (
            await ask(
                nc,
                "flow-engine",
                "get-campaign",
                GetCampaign(campaign_id="cmp-bench"),
                CampaignReply,
            )
        ).campaign
    final_lag = time.time() - last_accept
    times = sorted(m.time for m in fake.sent if m.phone_number_id == NUMBER)
    return {
        "launch_answer": answered,
        "first_send": times[0] - launched_at,
        "rate": (len(times) - 1) / (times[-1] - times[0]),
        "campaign_rate": rate,
        "busiest": fake.busiest_second(NUMBER),
        "refused": fake.refused.get(130429, 0),
        "lag_p50": statistics.median(lags),
        "lag_max": max(lags),
        "final_lag": final_lag,
        "stats": view.stats,
        "status": view.status,
    }


async def raw_baseline(
    nc: NatsClient, fake: FakeCloudApi, count: int, rate: float
) -> dict[str, float]:
    js = nc.jetstream()
    await ensure_stream(js, RAW)
    await js.add_consumer(
        RAW.name,
        ConsumerConfig(
            durable_name="raw",
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_ack_pending=20_000,
        ),
    )
    sub = await js.pull_subscribe_bind("raw", RAW.name)
    url = f"{fake.base_url}/v25.0/{RAW_NUMBER}/messages"
    headers = {"Authorization": f"Bearer {FAKE_TOKEN}"}
    stop = asyncio.Event()

    async def relay(session: aiohttp.ClientSession) -> None:
        async def post(msg: Msg) -> None:
            body = {
                "messaging_product": "whatsapp",
                "to": "+" + msg.subject.rsplit(".", 1)[1],
                "type": "template",
                "template": {"name": "promo", "language": {"code": "en_US"}},
            }
            async with session.post(url, json=body, headers=headers) as response:
                await response.read()
            await msg.ack()

        while not stop.is_set():
            try:
                batch = await sub.fetch(256, timeout=0.2)
            except TimeoutError:
                continue
            await asyncio.gather(*(post(m) for m in batch))

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256)) as session:
        task = asyncio.create_task(relay(session))
        bucket = TokenBucket.for_rate(rate)
        started = time.time()
        sent = 0
        while sent < count:
            n = bucket.take(time.monotonic(), count - sent)
            await asyncio.gather(
                *(js.publish(f"rawcampaign.1333{sent + i:07d}", b"{}") for i in range(n))
            )
            sent += n
            await asyncio.sleep(0.05)
        while len([m for m in fake.sent if m.phone_number_id == RAW_NUMBER]) < count:  # noqa: ASYNC110 - the fake has no event to wait on
            await asyncio.sleep(0.1)
        stop.set()
        await task
    times = sorted(m.time for m in fake.sent if m.phone_number_id == RAW_NUMBER)
    return {"first_send": times[0] - started, "rate": (len(times) - 1) / (times[-1] - times[0])}


async def run_services(services: list[Service]) -> list[asyncio.Task[None]]:
    tasks = []
    for service in services:
        tasks.append(asyncio.create_task(service.run()))
        while service.phase != "running":  # noqa: ASYNC110 - a phase, not an event
            await asyncio.sleep(0.05)
    return tasks


async def main(count: int, limit: int, raw_count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        nats_server = EmbeddedNats(store_dir=Path(tmp) / "nats")
        postgres = EmbeddedPostgres(data_dir=Path(tmp) / "pg")
        nats_server.start()
        postgres.start()
        log = Path(tmp) / "messaging.log"
        try:
            async with FakeCloudApi(
                access_token=FAKE_TOKEN,
                app_secret=FAKE_APP_SECRET,
                default_phone_number_id=NUMBER,
                messages_per_second=limit,
                pair_burst=None,
                messaging_limit="TIER_UNLIMITED",
            ) as fake:
                nc = await nats.connect(nats_server.url)
                with messaging_process(nats_server.url, postgres.url, fake.base_url, log):
                    services = [
                        build_crm(
                            CrmSettings(
                                nats_url=nats_server.url,
                                database_url=postgres.url,
                                health_port=free_port(),
                            )
                        ),
                        build_engine(
                            FlowEngineSettings(
                                nats_url=nats_server.url,
                                database_url=postgres.url,
                                health_port=free_port(),
                            )
                        ),
                    ]
                    tasks = await run_services(services)
                    payload = {
                        "phone_number_id": NUMBER,
                        "business_account_id": fake.waba_id,
                        "access_token": FAKE_TOKEN,
                        "app_secret": FAKE_APP_SECRET,
                        "verify_token": "verify-me-please",
                        "warmup": False,
                        "messages_per_second": limit,
                    }
                    connect = ChangeChannel(
                        channel_id="main", action="connect_cloud_api", payload=payload
                    )
                    assert (
                        await ask(nc, "messaging", "change-channel", connect, ChannelChangeResult)
                    ).ok
                    seeded = await seed(nc, count)
                    figures = await campaign(nc, fake, count)
                    fake.refused.clear()
                    raw = await raw_baseline(nc, fake, raw_count, campaign_rate(limit))
                    for service in services:
                        service.stop()
                    await asyncio.gather(*tasks)
                await nc.close()
        except BaseException:
            sys.stderr.write(log.read_text()[-4000:] if log.exists() else "")
            raise
        finally:
            postgres.stop()
            nats_server.stop()
    s = figures["stats"]
    print(f"campaign: {count:,} contacts on a {limit:,} msg/s number (seeded in {seeded:.1f} s)")
    print(f"    launch answered     {figures['launch_answer']:7.2f} s (audience snapshot included)")
    print(f"    time to first send  {figures['first_send']:7.2f} s from the launch request")
    print(
        f"    sustained rate      {figures['rate']:7.1f} msg/s  (campaign pace "
        f"{figures['campaign_rate']:.0f}/s = {figures['rate'] / figures['campaign_rate']:.1%}; "
        f"number limit {limit}/s)"
    )
    print(
        f"    busiest second      {figures['busiest']:7d}       "
        f"130429 from the fake {figures['refused']}"
    )
    print(
        f"    stats lag           p50 {figures['lag_p50']:.2f} s  "
        f"max {figures['lag_max']:.2f} s behind "
        f"the fake; all counted {figures['final_lag']:.2f} s after the last send"
    )
    print(
        f"    final stats         status {figures['status']}, targeted {s.targeted:,}, "
        f"sent {s.sent:,}, failed {s.failed}"
    )
    print(
        f"    raw nats-py relay   first send {raw['first_send']:.2f} s, {raw['rate']:.1f} msg/s "
        f"over {raw_count:,} at the same pace (baseline); campaign/raw rate "
        f"{figures['rate'] / raw['rate']:.1%}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--raw", type=int, default=10_000, help="messages of the raw baseline")
    args = parser.parse_args()
    asyncio.run(main(args.contacts, args.limit, args.raw))
