"""Event store benchmark, with the raw nats-py baselines measured in the same run.

    .venv/bin/python bench/eventstore.py [--events N]

Figures:
- appends/s with an expected sequence on ONE subject (each append waits for the previous ack:
  this is the latency-bound case of one busy aggregate);
- appends/s with an expected sequence over 1,000 subjects (many aggregates at once);
- decisions/s of one event and of six (one commit message), 16 in flight on fresh subjects;
- time to load a 10,000-event subject (batched direct gets, decode, upcast);
- baselines: raw `js.publish_async` throughput, raw sequential `js.publish` (the same
  round-trip-per-message shape as one subject), and a raw pull consumer's fetch of 10,000 messages.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import nats
from nats.aio.client import Client as NatsClient
from nats.js.api import AckPolicy, ConsumerConfig

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Event
from parley.contracts.streams import StreamSpec
from parley.runtime.embedded import EmbeddedNats
from parley.runtime.eventstore import EventStore
from parley.runtime.streams import ensure_stream


class Ticked(Event, wire_name="bench.Ticked", version=1):
    n: int
    note: str = "a typical small event payload with a few fields"


async def timed(work: Callable[[], Awaitable[None]]) -> float:
    start = time.perf_counter()
    await work()
    return time.perf_counter() - start


def tick(n: int) -> Envelope:
    return Envelope.wrap(Ticked(n=n), workspace_id="bench")


async def fresh(nc: NatsClient, name: str) -> str:
    await ensure_stream(
        nc.jetstream(), StreamSpec(name, (f"{name.lower()}.>",), "bench", "bench", atomic=True)
    )
    return name.lower()


async def bench_one_subject(nc: NatsClient, count: int) -> float:
    prefix = await fresh(nc, "B_ONE")
    store = EventStore(nc, "B_ONE")
    subject = f"{prefix}.evt.bench.agg"

    async def run() -> None:
        version = 0
        for n in range(count):
            version = (await store.append(subject, [tick(n)], version)).last_sequence

    return count / await timed(run)


async def bench_many_subjects(nc: NatsClient, count: int, subjects: int = 1000) -> float:
    prefix = await fresh(nc, "B_MANY")
    store = EventStore(nc, "B_MANY")
    per_subject = max(count // subjects, 1)

    async def one(i: int) -> None:
        version = 0
        for n in range(per_subject):
            version = (
                await store.append(f"{prefix}.evt.bench.a{i}", [tick(n)], version)
            ).last_sequence

    async def run() -> None:
        await asyncio.gather(*(one(i) for i in range(subjects)))

    return per_subject * subjects / await timed(run)


async def bench_decisions(nc: NatsClient, size: int, count: int = 1500) -> float:
    """Decisions of `size` events on fresh subjects, 16 in flight: appends/s. A decision of
    several events is one commit message; this shows what that costs against one event."""
    prefix = await fresh(nc, f"B_DEC{size}")
    store = EventStore(nc, f"B_DEC{size}")
    gate = asyncio.Semaphore(16)

    async def one(i: int) -> None:
        async with gate:
            await store.append(f"{prefix}.evt.bench.d{i}", [tick(n) for n in range(size)], 0)

    async def run() -> None:
        await asyncio.gather(*(one(i) for i in range(count)))

    return count / await timed(run)


async def bench_load(nc: NatsClient, count: int) -> tuple[float, float]:
    prefix = await fresh(nc, "B_LOAD")
    js = nc.jetstream()
    subject = f"{prefix}.evt.bench.big"
    for n in range(count):
        await js.publish_async(subject, tick(n).to_bytes())
    await js.publish_async_completed()
    store = EventStore(nc, "B_LOAD")
    loaded: list[object] = []

    async def load() -> None:
        loaded.extend(await store.load(subject))

    seconds = await timed(load)
    assert len(loaded) == count

    async def raw_fetch() -> None:
        await js.add_consumer(
            "B_LOAD", ConsumerConfig(durable_name="raw", ack_policy=AckPolicy.NONE)
        )
        sub = await js.pull_subscribe_bind("raw", "B_LOAD")
        got = 0
        while got < count:
            got += len(await sub.fetch(min(1000, count - got), timeout=5))

    return seconds, await timed(raw_fetch)


async def baseline_publish_async(nc: NatsClient, count: int) -> float:
    prefix = await fresh(nc, "B_RAW")
    js = nc.jetstream()
    payload = tick(0).to_bytes()

    async def run() -> None:
        for _ in range(count):
            await js.publish_async(f"{prefix}.evt.bench.raw", payload)
        await js.publish_async_completed()

    return count / await timed(run)


async def baseline_publish_sequential(nc: NatsClient, count: int) -> float:
    prefix = await fresh(nc, "B_SEQ")
    js = nc.jetstream()
    payload = tick(0).to_bytes()

    async def run() -> None:
        for _ in range(count):
            await js.publish(f"{prefix}.evt.bench.seq", payload)

    return count / await timed(run)


async def main(events: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(store_dir=Path(tmp) / "nats")
        server.start()
        try:
            nc = await nats.connect(server.url)
            raw_async = await baseline_publish_async(nc, events * 5)
            raw_seq = await baseline_publish_sequential(nc, events)
            one = await bench_one_subject(nc, events)
            many = await bench_many_subjects(nc, events * 5)
            single = await bench_decisions(nc, 1)
            sixfold = await bench_decisions(nc, 6)
            load_s, fetch_s = await bench_load(nc, 10_000)
            await nc.close()
        finally:
            server.stop()

    print("event store benchmark (embedded nats-server, this machine, one run)")
    print(f"  raw js.publish_async               {raw_async:10,.0f} msg/s   (baseline)")
    print(f"  raw js.publish, one at a time      {raw_seq:10,.0f} msg/s   (baseline)")
    print(
        f"  append w/ expected seq, 1 subject  {one:10,.0f} ev/s    "
        f"{one / raw_seq:.2f}x sequential publish"
    )
    print(
        f"  append w/ expected seq, 1000 subj  {many:10,.0f} ev/s    "
        f"{many / raw_async:.2f}x publish_async"
    )
    print(
        f"  decisions of 1 event, 16 in flight {single:10,.0f} /s      "
        f"of 6 events (one commit): {sixfold:,.0f} /s ({sixfold / single:.2f}x)"
    )
    print(
        f"  load 10,000-event subject          {load_s * 1000:10,.1f} ms      "
        f"raw pull fetch of 10,000: {fetch_s * 1000:,.1f} ms ({load_s / fetch_s:.2f}x)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    asyncio.run(main(parser.parse_args().events))
