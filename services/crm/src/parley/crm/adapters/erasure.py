"""Forgetting a contact in the log itself: purge their subject up to the erasure event.

Purging by sequence (everything before the ContactErased) rather than `keep=1` keeps the
erasure even if the person wrote in again between the append and the purge, which appends a
fresh ContactCreated after it.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient

from parley.contracts.streams import CRM


async def purge_before(nc: NatsClient, subject: str, sequence: int) -> None:
    """Delete every message of `subject` with a stream sequence lower than `sequence`."""
    await nc.jetstream().purge_stream(CRM.name, seq=sequence, subject=subject)
