"""Consumer lanes: concurrent across subjects, strictly in order within one subject."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.runtime.consumers import Consumer, ConsumerSpec
from parley.runtime.testing.plugin import eventually

from .conftest import FreshStream
from .ledger import Deposited

SUBJECTS = 8
PER_SUBJECT = 25


async def test_lanes_overlap_subjects_and_keep_each_subject_in_order(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    js = nc.jetstream()
    for n in range(PER_SUBJECT):
        for s in range(SUBJECTS):
            envelope = Envelope.wrap(Deposited(amount=n + 1), workspace_id="ws1")
            await js.publish(f"{fresh_stream.context}.evt.ws1.acc{s}", envelope.to_bytes())

    seen: dict[str, list[int]] = {}
    in_flight = 0
    most_in_flight = 0

    async def handler(msg: Msg) -> None:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        await asyncio.sleep(0.002)  # an I/O wait, during which other lanes run
        amount = registry.decode(Envelope.from_bytes(msg.data)).amount  # type: ignore[attr-defined]
        seen.setdefault(msg.subject, []).append(amount)
        in_flight -= 1

    spec = ConsumerSpec(
        fresh_stream.name, "lanes", (f"{fresh_stream.context}.evt.>",), lanes=4, fetch_batch=32
    )
    consumer = Consumer(nc, spec, handler)
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: sum(len(v) for v in seen.values()) == SUBJECTS * PER_SUBJECT)
    finally:
        consumer.stop()
        await task
    assert most_in_flight > 1, "lanes never overlapped"
    assert most_in_flight <= 4
    for subject, amounts in seen.items():
        assert amounts == list(range(1, PER_SUBJECT + 1)), subject


def test_lanes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="lanes"):
        ConsumerSpec("S", "d", ("s.>",), lanes=0)
