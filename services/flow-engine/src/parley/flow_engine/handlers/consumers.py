"""The delivery policy of the engine's own consumers, spelled out once."""

from __future__ import annotations

from parley.runtime.consumers import ConsumerSpec

# Quick first retries cover the usual causes (a conflict, a peer restarting); later ones give an
# outage time to pass before the message goes to the dead-letter stream.
ENGINE_BACKOFF = (0.2, 1.0, 5.0, 30.0)


def engine_consumer(stream: str, durable: str, subject: str) -> ConsumerSpec:
    return ConsumerSpec(
        stream=stream,
        durable=durable,
        filter_subjects=(subject,),
        max_deliver=8,
        backoff=ENGINE_BACKOFF,
    )
