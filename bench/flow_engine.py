"""Flow engine benchmark: InboundMessageReceived appended → SendMessage emitted, end to end.

    .venv/bin/python bench/flow_engine.py [--burst 3000] [--rate 200] [--seconds 10]

The flow-engine service runs as its own process (as in production) against an embedded
nats-server and PostgreSQL. One published flow: keyword trigger → condition → send message.
Every inbound message comes from a different contact, so each one starts an execution.

Figures:
- throughput: a burst of `--burst` inbound messages published at once; executions/s from the
  first publish to the last SendMessage seen;
- latency: `--rate` inbound/s for `--seconds`; p50/p99 from each publish to its SendMessage;
- the raw JetStream baseline of the same run: a nats-py pull consumer that reads each inbound
  message and publishes one message to the MESSAGING stream (the least any engine must do), with
  the same burst and the same paced load;
- where the time goes: the engine's mean handling time per consumer, read from its /metrics.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from parley.contracts.envelope import Envelope
from parley.contracts.flows.commands import CreateFlow, PublishFlow
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messaging.events import InboundMessageReceived
from parley.contracts.streams import FLOW_ENGINE, MESSAGING, StreamSpec
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.flow import FlowCommand, FlowDecider
from parley.flow_engine.handlers.inbound_router import triggered_execution_id
from parley.flow_engine.testing.graphs import edge, graph, node
from parley.flow_engine.testing.graphs import text as send_text
from parley.runtime.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.streams import ensure_stream

WORKSPACE = "bench"


def order_flow() -> FlowGraph:
    return graph(
        [
            node("is_order", "condition", expression='reply.text contains "order"'),
            send_text("yes", "Thanks {{contact.name}}, we are on your order"),
            send_text("no", "Write 'order' to order"),
        ],
        [edge("is_order", "yes", "true"), edge("is_order", "no", "false")],
        triggers=[{"kind": "keyword", "match": "starts_with", "keywords": ["order"]}],
    )


def inbound(contact: str) -> bytes:
    message = InboundMessageReceived(
        message_id=f"wamid.{contact}",
        channel_id="bench-channel",
        contact_id=contact,
        profile_name="Ada",
        text="order 66 please",
        at=datetime.now(UTC),
    )
    return Envelope.wrap(message, workspace_id=WORKSPACE).to_bytes()


@dataclass
class Tracker:
    """Publish times, and the time each answer was seen, by the answer's key: the execution id
    for the engine (the first token of SendMessage's subject), the contact for the relay."""

    sent_at: dict[str, float] = field(default_factory=dict)
    answered_at: dict[str, float] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0

    def answer(self, key: str) -> None:
        if key in self.sent_at and key not in self.answered_at:
            self.answered_at[key] = time.perf_counter()
            if len(self.answered_at) >= self.expected:
                self.done.set()

    def reset(self, expected: int) -> None:
        self.sent_at.clear()
        self.answered_at.clear()
        self.done.clear()
        self.expected = expected

    def latencies_ms(self) -> list[float]:
        return sorted((self.answered_at[k] - self.sent_at[k]) * 1000 for k in self.answered_at)


@dataclass(frozen=True)
class Target:
    """Where inbound messages go and how their answer is recognised."""

    subject_of: Callable[[str], str]
    key_of: Callable[[str], str]


ENGINE = Target(
    subject_of=lambda contact: f"messaging.evt.{WORKSPACE}.{contact}",
    key_of=lambda contact: triggered_execution_id(WORKSPACE, f"wamid.{contact}", "orders"),
)
RELAY = Target(subject_of=lambda contact: f"rawin.{contact}", key_of=lambda contact: contact)


async def burst(nc: NatsClient, tracker: Tracker, target: Target, count: int, tag: str) -> float:
    js = nc.jetstream()
    tracker.reset(count)
    contacts = [f"{tag}-{n}" for n in range(count)]
    prepared = [(target.key_of(c), target.subject_of(c), inbound(c)) for c in contacts]
    start = time.perf_counter()
    for key, subject, payload in prepared:
        tracker.sent_at[key] = time.perf_counter()
        await js.publish_async(subject, payload)
    await js.publish_async_completed()
    await asyncio.wait_for(tracker.done.wait(), timeout=600)
    return count / (max(tracker.answered_at.values()) - start)


async def paced(
    nc: NatsClient,
    tracker: Tracker,
    target: Target,
    rate: int,
    seconds: float,
    tag: str,
) -> tuple[float, float, float]:
    js = nc.jetstream()
    count = int(rate * seconds)
    tracker.reset(count)
    contacts = [f"{tag}-{n}" for n in range(count)]
    prepared = [(target.key_of(c), target.subject_of(c), inbound(c)) for c in contacts]
    start = time.perf_counter()
    for n, (key, subject, payload) in enumerate(prepared):
        due = start + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tracker.sent_at[key] = time.perf_counter()
        # Not awaiting each ack: the offered rate must not depend on how busy the server is.
        await js.publish_async(subject, payload)
    await js.publish_async_completed()
    await asyncio.wait_for(tracker.done.wait(), timeout=600)
    latencies = tracker.latencies_ms()
    return (
        statistics.median(latencies),
        latencies[int(len(latencies) * 0.99) - 1],
        count / (time.perf_counter() - start),
    )


# -- the engine ---------------------------------------------------------------------------------


async def publish_flow(nc: NatsClient) -> None:
    store = EventStore(nc, FLOW_ENGINE.name)
    subject = event_subject("flow", WORKSPACE, "orders")
    commands: list[FlowCommand] = [
        CreateFlow(flow_id="orders", name="Orders", graph=order_flow()),
        PublishFlow(note="bench"),
    ]
    for command in commands:
        cause = Envelope.wrap(command, workspace_id=WORKSPACE)
        await execute(store, subject, FlowDecider(), command, cause=cause)


async def wait_published(database_url: str) -> None:
    engine = create_async_engine(database_url.replace("postgresql://", "postgresql+asyncpg://"))
    try:
        for _ in range(600):
            async with engine.connect() as conn:
                try:
                    found = await conn.scalar(
                        text("SELECT latest_version FROM flow_engine.flows WHERE flow_id='orders'")
                    )
                except Exception:  # noqa: BLE001 - the schema may not exist yet
                    found = None
            if found == 1:
                return
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()
    raise TimeoutError("the flow never reached the read model")


def start_engine(nats_url: str, database_url: str, health_port: int, log: Path) -> Any:
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "HEALTH_PORT": str(health_port),
        "LOG_LEVEL": "warning",
        "LOG_FORMAT": "json",
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "parley.flow_engine"], env=env, stdout=out, stderr=out
        )


def wait_ready(health_port: int) -> None:
    url = f"http://127.0.0.1:{health_port}/readyz"
    for _ in range(600):
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError("the flow-engine never became ready")


def consumer_times(health_port: int) -> dict[str, tuple[float, float]]:
    """durable -> (messages handled, mean ms each), from the engine's Prometheus metrics."""
    url = f"http://127.0.0.1:{health_port}/metrics"
    with urllib.request.urlopen(url, timeout=5) as answer:
        lines = answer.read().decode().splitlines()
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    for line in lines:
        if "handler_duration_seconds_" not in line or line.startswith("#"):
            continue
        name, value = line.rsplit(" ", 1)
        if 'durable="' not in name:
            continue
        durable = name.split('durable="', 1)[1].split('"', 1)[0]
        if name.split("{", 1)[0].endswith("_sum"):
            sums[durable] = float(value)
        elif name.split("{", 1)[0].endswith("_count"):
            counts[durable] = float(value)
    return {d: (counts[d], sums[d] / counts[d] * 1000) for d in counts if counts[d]}


# -- the raw baseline ---------------------------------------------------------------------------

RAW = StreamSpec("BENCH_RAW_IN", ("rawin.>",), "bench", "bench")


async def raw_relay(nc: NatsClient, stop: asyncio.Event) -> None:
    """Read each inbound message, publish one message to MESSAGING: the floor of any engine."""
    js = nc.jetstream()
    await js.add_consumer(
        RAW.name,
        ConsumerConfig(
            durable_name="relay",
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_ack_pending=10_000,
        ),
    )
    sub = await js.pull_subscribe_bind("relay", RAW.name)
    while not stop.is_set():
        try:
            batch = await sub.fetch(256, timeout=0.2)
        except TimeoutError:
            continue
        for msg in batch:
            contact = msg.subject.rsplit(".", 1)[1]
            await js.publish(f"messaging.cmd.rawbench.{contact}", msg.data)
            await msg.ack()


# -- the run ------------------------------------------------------------------------------------


async def main(burst_size: int, rate: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        nats_server = EmbeddedNats(store_dir=Path(tmp) / "nats")
        postgres = EmbeddedPostgres(data_dir=Path(tmp) / "pg")
        nats_server.start()
        postgres.start()
        health_port = free_port()
        log = Path(tmp) / "engine.log"
        engine = start_engine(nats_server.url, postgres.url, health_port, log)
        try:
            await run(nats_server.url, postgres.url, health_port, burst_size, rate, seconds)
        except BaseException:
            sys.stderr.write(log.read_text()[-4000:])
            raise
        finally:
            engine.terminate()
            engine.wait(20)
            postgres.stop()
            nats_server.stop()


async def run(
    nats_url: str, database_url: str, health_port: int, burst_size: int, rate: int, seconds: float
) -> None:
    await asyncio.to_thread(wait_ready, health_port)
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await ensure_stream(js, MESSAGING)
    await ensure_stream(js, RAW)
    tracker = Tracker()

    async def on_send(msg: Msg) -> None:
        # The subject's last token is the command id `<execution>_<step>` for the engine, the
        # contact for the relay: matched without decoding, to keep the measuring side light.
        tracker.answer(msg.subject.rsplit(".", 1)[1].split("_", 1)[0])

    await nc.subscribe(f"messaging.cmd.{WORKSPACE}.>", cb=on_send)
    await nc.subscribe("messaging.cmd.rawbench.>", cb=on_send)
    await publish_flow(nc)
    await wait_published(database_url)

    await burst(nc, tracker, ENGINE, 200, "warm")  # connection pools and caches warm
    before = consumer_times(health_port)
    engine_rate = await burst(nc, tracker, ENGINE, burst_size, "burst")
    after = consumer_times(health_port)
    engine_p50, engine_p99, engine_offered = await paced(
        nc, tracker, ENGINE, rate, seconds, "paced"
    )

    stop = asyncio.Event()
    relay = asyncio.create_task(raw_relay(nc, stop))
    await burst(nc, tracker, RELAY, 200, "rawwarm")
    raw_rate = await burst(nc, tracker, RELAY, burst_size, "rawburst")
    raw_p50, raw_p99, _ = await paced(nc, tracker, RELAY, rate, seconds, "rawpaced")
    stop.set()
    await relay
    await nc.close()

    print("flow engine benchmark (embedded nats-server and PostgreSQL, this machine, one run)")
    print("  flow: keyword trigger -> condition -> send message; one new contact per message")
    print(f"  burst of {burst_size:,} inbound messages")
    print(
        f"    engine        {engine_rate:8,.0f} executions/s   "
        f"({engine_rate / raw_rate:.2f}x the raw relay)"
    )
    print(f"    raw relay     {raw_rate:8,.0f} msg/s          (baseline)")
    print(f"  {rate} inbound/s for {seconds:g} s (offered {engine_offered:,.0f}/s)")
    print(f"    engine        p50 {engine_p50:7.1f} ms   p99 {engine_p99:7.1f} ms")
    print(f"    raw relay     p50 {raw_p50:7.1f} ms   p99 {raw_p99:7.1f} ms   (baseline)")
    print("  where the engine's time went during the burst (mean handling time per message):")
    for durable, (count, _) in sorted(after.items()):
        handled = count - before.get(durable, (0.0, 0.0))[0]
        if handled <= 0:
            continue
        total = _total_seconds(after, before, durable)
        print(
            f"    {durable:26} {handled:8,.0f} msgs   {total / handled * 1000:6.2f} ms each   "
            f"{total:6.2f} s in all"
        )


def _total_seconds(
    after: dict[str, tuple[float, float]], before: dict[str, tuple[float, float]], durable: str
) -> float:
    count_after, mean_after = after[durable]
    count_before, mean_before = before.get(durable, (0.0, 0.0))
    return (count_after * mean_after - count_before * mean_before) / 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=3000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.burst, arguments.rate, arguments.seconds))
