"""Event-sourced aggregates over JetStream: append with optimistic concurrency, load, snapshots."""

from parley.runtime.eventstore.aggregate import Decider, SnapshotPolicy, execute
from parley.runtime.eventstore.errors import AppendError, ConcurrencyError
from parley.runtime.eventstore.store import (
    AppendResult,
    EventStore,
    Loaded,
    StoredEvent,
    decode_stored,
)

__all__ = [
    "AppendError",
    "AppendResult",
    "ConcurrencyError",
    "Decider",
    "EventStore",
    "Loaded",
    "SnapshotPolicy",
    "StoredEvent",
    "decode_stored",
    "execute",
]
