"""The delivery policy of the engine's own consumers, spelled out once."""

from __future__ import annotations

from nats.aio.msg import Msg

from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore import commits

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


def event_types(msg: Msg) -> list[str]:
    """The wire names a stored message holds (one, or a commit's), from its header when it has
    one (every event the event store appends does), so most messages are classified without
    decoding them."""
    named = commits.types_of(msg.headers)
    return named if named is not None else [e.type for e in commits.decode(msg.data)]


def event_type(msg: Msg) -> str:
    """The wire name of a message holding one envelope (another service's event)."""
    return event_types(msg)[0]
