"""Durable consumers: retries with backoff, then the dead-letter stream, never a blocked stream."""

from __future__ import annotations

import asyncio
import base64

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.errors import NotFoundError

from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import DEADLETTER, dead_letter_subject
from parley.contracts.system import MessageDeadLettered
from parley.runtime.consumers import Consumer, ConsumerSpec
from parley.runtime.streams import ensure_stream
from parley.runtime.testing.plugin import eventually

from .conftest import FreshStream
from .ledger import Deposited


async def test_a_poison_message_is_dead_lettered_and_the_rest_flow_past_it(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    js = nc.jetstream()
    await ensure_stream(js, DEADLETTER)
    subject = f"{fresh_stream.context}.evt.ws1.acc"
    sent = []
    for amount in (1, 2, 3, 4, 5):
        envelope = Envelope.wrap(Deposited(amount=amount), workspace_id="ws1")
        sent.append((await js.publish(subject, envelope.to_bytes())).seq)

    handled: list[int] = []
    attempts: dict[int, int] = {}

    async def handler(msg: Msg) -> None:
        amount = registry.decode(Envelope.from_bytes(msg.data)).amount  # type: ignore[attr-defined]
        attempts[amount] = attempts.get(amount, 0) + 1
        if amount == 2:
            raise ValueError("amount 2 is poison")
        handled.append(amount)

    spec = ConsumerSpec(fresh_stream.name, "poison", (subject,), max_deliver=3, backoff=(0.05, 0.1))
    consumer = Consumer(nc, spec, handler)
    task = asyncio.create_task(consumer.run())
    dlq_subject = dead_letter_subject(fresh_stream.name, "poison")
    try:

        async def dead_lettered() -> bool:
            try:
                await js.get_last_msg(DEADLETTER.name, dlq_subject)
            except NotFoundError:
                return False
            return True

        await eventually(dead_lettered)
        await eventually(lambda: sorted(handled) == [1, 3, 4, 5])
    finally:
        consumer.stop()
        await task

    assert attempts[2] == 3  # max_deliver, then no more
    assert handled.index(3) < handled.index(5)  # the others flowed in order past the poison
    raw = await js.get_last_msg(DEADLETTER.name, dlq_subject)
    envelope = Envelope.from_bytes(raw.data or b"", strict=True)
    letter = registry.decode(envelope, strict=True)
    assert isinstance(letter, MessageDeadLettered)
    assert letter.stream_sequence == sent[1]
    assert letter.deliveries == 3
    assert "amount 2 is poison" in letter.error
    original = Envelope.from_bytes(base64.b64decode(letter.original_data_b64))
    assert original.data == {"amount": 2}
    assert envelope.causation_id == original.event_id  # traceable back to what failed
