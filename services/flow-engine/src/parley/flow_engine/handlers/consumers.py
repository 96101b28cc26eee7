"""The delivery policy of the engine's own consumers, spelled out once."""

from __future__ import annotations

from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import TYPE_HEADER

# Quick first retries cover the usual causes (a conflict, a peer restarting); later ones give an
# outage time to pass before the message goes to the dead-letter stream.
ENGINE_BACKOFF = (0.2, 1.0, 5.0, 30.0)
# Engine handlers take milliseconds; a message unacked this long belongs to a process that died
# (or hangs), and its redelivery is harmless because every handler is idempotent.
ENGINE_ACK_WAIT = 5.0
# Handlers mostly wait on NATS; lanes let executions progress side by side, in order each.
ENGINE_LANES = 16


def engine_consumer(
    stream: str,
    durable: str,
    subject: str,
    *,
    lanes: int = ENGINE_LANES,
    ack_wait: float = ENGINE_ACK_WAIT,
) -> ConsumerSpec:
    return ConsumerSpec(
        stream=stream,
        durable=durable,
        filter_subjects=(subject,),
        max_deliver=8,
        backoff=ENGINE_BACKOFF,
        ack_wait=ack_wait,
        lanes=lanes,
    )


def event_type(msg: Msg) -> str:
    """The wire name of a stored message, from its header when it has one (every event the
    event store appends does), so most messages are classified without decoding them."""
    named = (msg.headers or {}).get(TYPE_HEADER)
    return named if named else Envelope.from_bytes(msg.data).type
