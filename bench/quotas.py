"""Plan-limit benchmark: what taking a unit of a monthly limit costs a send, with the raw nats-py
counter increment measured in the same run.

    .venv/bin/python bench/quotas.py [--reservations N] [--in-flight K]

Figures (two connections, as two messaging replicas, K reservations in flight on each):
- reservations/s with `Quotas.reserve` on one workspace's admission counter, under the limit
  (one entitlements read from the 0.5 s cache, two increments: the enforced and the reporting
  counter, each with its Nats-Msg-Id);
- reservations/s past the limit (increment, then the give-back: also two increments);
- baseline: raw `Nats-Incr` requests with a Nats-Msg-Id on one subject, same connections and
  concurrency.
It also checks that exactly `limit` reservations were admitted.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import nats
from nats.aio.client import Client as NatsClient
from nats.js.api import KeyValueConfig

from parley.contracts.billing.entitlements import (
    ENTITLEMENTS_BUCKET,
    MESSAGES_SENT,
    Entitlements,
)
from parley.contracts.streams import USAGE
from parley.runtime.embedded import EmbeddedNats
from parley.runtime.kv import LazyBucket
from parley.runtime.quotas import LimitReached, Quotas, Reservation
from parley.runtime.streams import ensure_stream


async def spread(
    connections: list[NatsClient],
    count: int,
    in_flight: int,
    one: Callable[[NatsClient, int], Awaitable[object]],
) -> tuple[float, list[object]]:
    """Run `count` calls over the connections, `in_flight` at once on each; (seconds, results)."""
    results: list[object] = []
    next_n = iter(range(count))

    async def worker(nc: NatsClient) -> None:
        for n in next_n:
            results.append(await one(nc, n))

    start = time.perf_counter()
    await asyncio.gather(*(worker(nc) for nc in connections for _ in range(in_flight)))
    return time.perf_counter() - start, results


async def main(count: int, in_flight: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedNats(store_dir=Path(tmp) / "nats")
        server.start()
        try:
            connections = [await nats.connect(server.url) for _ in range(2)]
            js = connections[0].jetstream()
            await ensure_stream(js, USAGE)
            kv = await LazyBucket(connections[0], KeyValueConfig(bucket=ENTITLEMENTS_BUCKET))()
            limit = count // 2
            entitlements = Entitlements(
                plan="bench",
                organization_id="org",
                anchor=datetime(2026, 1, 1, tzinfo=UTC),
                limits={MESSAGES_SENT: limit},
            )
            await kv.put("ws", entitlements.model_dump_json().encode())
            quotas = {id(nc): Quotas(nc) for nc in connections}

            async def raw(nc: NatsClient, n: int) -> object:
                return await nc.request(
                    "usage.ws.raw.messages_sent.bench",
                    b"",
                    timeout=5,
                    headers={"Nats-Incr": "+1", "Nats-Msg-Id": f"raw-{n}"},
                )

            async def reserve(nc: NatsClient, n: int) -> object:
                return await quotas[id(nc)].reserve("ws", MESSAGES_SENT, f"send-{n}")

            raw_seconds, _ = await spread(connections, count, in_flight, raw)
            seconds, outcomes = await spread(connections, count, in_flight, reserve)
            admitted = sum(isinstance(o, Reservation) for o in outcomes)
            refused = sum(isinstance(o, LimitReached) for o in outcomes)
            assert admitted == limit, f"admitted {admitted}, expected exactly {limit}"
            rate, raw_rate = count / seconds, count / raw_seconds
            print(
                f"reservations: {count:,} over 2 connections x {in_flight} in flight,"
                f" limit {limit:,}"
            )
            print(f"  admitted {admitted:,}, refused {refused:,} (exactly the limit admitted)")
            print(f"  Quotas.reserve:          {rate:10,.0f} /s  ({seconds:.2f} s)")
            print(f"  raw Nats-Incr baseline:  {raw_rate:10,.0f} /s  ({raw_seconds:.2f} s)")
            print(f"  ratio reserve / raw:     {rate / raw_rate:10.2f}")
            for nc in connections:
                await nc.close()
        finally:
            server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reservations", type=int, default=20_000)
    parser.add_argument("--in-flight", type=int, default=32)
    args = parser.parse_args()
    asyncio.run(main(args.reservations, args.in_flight))
