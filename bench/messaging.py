"""Messaging benchmark: SendMessage commands through the real pipeline to the fake Cloud API.

    .venv/bin/python bench/messaging.py [--seconds 60] [--limit 1000]

The messaging service runs as its own process against an embedded nats-server and PostgreSQL;
the fake Cloud API runs here, enforcing the same per-number limit (a one-second token bucket)
and answering 130429 over it. One Cloud API number is configured at `--limit` messages/s.
Commands (templates to a new recipient each) are published at exactly `--limit` per second for
`--seconds`, so the pipeline has to keep the pace, not merely drain a backlog.

Figures:
- achieved rate: sends the fake accepted per second over the run (goal: >= 99% of the limit);
- 130429 answers from the fake (goal: 0) and duplicates seen by the fake (must be 0);
- queue delay: from publishing a command to the fake accepting its send, p50 / p99;
- the raw baseline of the same run: a nats-py pull consumer that POSTs each command's body to
  the fake and acks it (the least any sender must do), paced and measured the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from parley.contracts.messaging.channels import ChangeChannel, ChannelChangeResult
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.streams import StreamSpec
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, ask, send, template
from parley.messaging.testing.process import messaging_process
from parley.runtime.embedded import EmbeddedNats, EmbeddedPostgres
from parley.runtime.streams import ensure_stream

PIPELINE_NUMBER = "100000000000001"
RAW_NUMBER = "100000000000002"
RAW = StreamSpec("BENCH_RAW_SEND", ("rawsend.>",), "bench", "bench")


async def paced(
    count_per_second: int, seconds: float, publish: Callable[[int], Awaitable[None]]
) -> dict[str, float]:
    """Call `publish(i)` at an even pace; returns recipient -> publish time."""
    started = time.perf_counter()
    published: dict[str, float] = {}
    total = int(count_per_second * seconds)
    sent = 0
    while sent < total:
        due = min(total, int((time.perf_counter() - started) * count_per_second) + 1)
        batch = range(sent, due)
        now = time.time()
        for i in batch:
            published[f"1{i:010d}"] = now
        await asyncio.gather(*(publish(i) for i in batch))
        sent = due
        await asyncio.sleep(0.002)
    return published


def figures(
    fake: FakeCloudApi, number: str, published: dict[str, float]
) -> tuple[float, int, float, float, int]:
    sent = [m for m in fake.sent if m.phone_number_id == number]
    recipients = [m.wa_id for m in sent]
    duplicates = len(recipients) - len(set(recipients))
    times = sorted(m.time for m in sent)
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    delays = sorted((m.time - published[m.wa_id]) * 1000 for m in sent if m.wa_id in published)
    p50 = statistics.median(delays) if delays else float("nan")
    p99 = delays[int(len(delays) * 0.99) - 1] if delays else float("nan")
    return rate, duplicates, p50, p99, len(set(recipients))


async def pipeline(
    nc: NatsClient, fake: FakeCloudApi, limit: int, seconds: float
) -> dict[str, float]:
    ws = f"bench-{uuid.uuid4().hex[:8]}"
    payload = {
        "phone_number_id": PIPELINE_NUMBER,
        "business_account_id": fake.waba_id,
        "access_token": FAKE_TOKEN,
        "app_secret": FAKE_APP_SECRET,
        "verify_token": "verify-me-please",
        "messages_per_second": limit,
        "warmup": False,
    }
    request = ChangeChannel(channel_id="main", action="connect_cloud_api", payload=payload)
    deadline = time.monotonic() + 60
    while True:
        try:
            if (await ask(nc, ws, request, ChannelChangeResult)).ok:
                break
        except Exception:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(0.5)

    async def one(i: int) -> None:
        command = SendMessage(
            command_id=f"bench:{i}", contact_id=f"c-{i}", to=f"+1{i:010d}", message=template()
        )
        await send(nc, ws, command)

    published = await paced(limit, seconds, one)
    await _drain(fake, PIPELINE_NUMBER, len(published))
    return published


async def raw_baseline(
    nc: NatsClient, fake: FakeCloudApi, limit: int, seconds: float
) -> dict[str, float]:
    """Pull each command, POST it to the fake, ack: no ledger, no limits, no events."""
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
    stop = asyncio.Event()
    url = f"{fake.base_url}/v25.0/{RAW_NUMBER}/messages"
    headers = {"Authorization": f"Bearer {FAKE_TOKEN}"}

    async def relay(session: aiohttp.ClientSession) -> None:
        async def post(msg: Msg) -> None:
            to = msg.subject.rsplit(".", 1)[1]
            body = {
                "messaging_product": "whatsapp",
                "to": f"+{to}",
                "type": "template",
                "template": {"name": "hello_world", "language": {"code": "en_US"}},
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

        async def one(i: int) -> None:
            await js.publish(f"rawsend.1{i:010d}", b"{}")

        published = await paced(limit, seconds, one)
        await _drain(fake, RAW_NUMBER, len(published))
        stop.set()
        await task
    return published


async def _drain(fake: FakeCloudApi, number: str, expected: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len([m for m in fake.sent if m.phone_number_id == number]) >= expected:
            return
        await asyncio.sleep(0.2)
    print(
        f"  ({number}: not all sent within 120 s after the load: {expected} expected)",
        file=sys.stderr,
    )


async def main(seconds: float, limit: int) -> None:
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
                default_phone_number_id=PIPELINE_NUMBER,
                messages_per_second=limit,
                pair_burst=None,
                messaging_limit="TIER_UNLIMITED",
            ) as fake:
                nc = await nats.connect(nats_server.url)
                with messaging_process(nats_server.url, postgres.url, fake.base_url, log):
                    published = await pipeline(nc, fake, limit, seconds)
                rate, duplicates, p50, p99, sent = figures(fake, PIPELINE_NUMBER, published)
                refused = fake.refused.get(130429, 0)
                fake.refused.clear()
                raw_published = await raw_baseline(nc, fake, limit, seconds)
                raw_rate, _, raw_p50, raw_p99, raw_sent = figures(fake, RAW_NUMBER, raw_published)
                await nc.close()
        except BaseException:
            sys.stderr.write(log.read_text()[-4000:] if log.exists() else "")
            raise
        finally:
            postgres.stop()
            nats_server.stop()
    print(f"messaging: {seconds:g} s at a {limit:,}/s limit against the fake Cloud API")
    print(f"    achieved rate {rate:8,.0f} msg/s   ({rate / limit:.1%} of the limit)")
    counts = f"sent {sent:,} of {len(published):,}   130429 from the fake {refused}"
    print(f"    {counts}   duplicates {duplicates}")
    print(f"    queue delay   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")
    print(
        f"    raw sender    {raw_rate:8,.0f} msg/s   sent {raw_sent:,} of {len(raw_published):,}   "
        f"p50 {raw_p50:.1f} ms   p99 {raw_p99:.1f} ms   (baseline)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()
    asyncio.run(main(args.seconds, args.limit))
