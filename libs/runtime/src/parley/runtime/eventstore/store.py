"""The event store: one subject per aggregate in a JetStream stream.

- append: optimistic concurrency with `Nats-Expected-Last-Subject-Sequence`, deduplication with
  `Nats-Msg-Id` (the event id; a commit's first event id); several events of one decision go in one
  message (a commit, see `commits.py`), refused whole on a conflict.
- load: batched direct gets of the subject, decoded through the contracts registry (upcasting).
- snapshots: just another event, on the aggregate's `snap` subject, rolled up so only the latest
  stays; loading starts from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.errors import APIError, NotFoundError

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.contracts.registry import Registry
from parley.contracts.registry import registry as default_registry
from parley.contracts.subjects import snapshot_subject
from parley.runtime.eventstore import commits
from parley.runtime.eventstore.commits import COMMIT_HEADER, TYPE_HEADER
from parley.runtime.eventstore.errors import (
    ERR_WRONG_LAST_SEQUENCE,
    AppendError,
    ConcurrencyError,
    actual_from_description,
)
from parley.runtime.eventstore.reader import RawStored, read_subject
from parley.runtime.tracing import inject_traceparent

SNAPSHOT_SEQUENCE = "Parley-Snapshot-Sequence"
WORKSPACE_HEADER = "Parley-Workspace"


@dataclass(frozen=True)
class StoredEvent:
    sequence: int  # the stream sequence of the message holding it (shared by a commit's events)
    subject: str
    envelope: Envelope
    message: Message
    # For a snapshot: the sequence of the last event it folds in. None for ordinary events.
    snapshot_of: int | None = None
    position: int = 0  # its place within its commit


@dataclass(frozen=True)
class AppendResult:
    first_sequence: int
    last_sequence: int
    duplicate: bool  # every event was already stored (a retried append): nothing new written


@dataclass(frozen=True)
class Loaded:
    """An aggregate's history: the latest snapshot (if any), then the events after it."""

    snapshot: StoredEvent | None
    events: list[StoredEvent]
    version: int  # last stream sequence of the aggregate's subject; 0 when it has no events

    def all(self) -> list[StoredEvent]:
        return ([self.snapshot] if self.snapshot else []) + self.events


def envelope_headers(envelope: Envelope, *more: Envelope) -> dict[str, str]:
    """Headers of a message holding `envelope` (and, for a commit, the envelopes after it)."""
    headers = {
        "Nats-Msg-Id": str(envelope.event_id),
        TYPE_HEADER: ",".join(e.type for e in (envelope, *more)),
        WORKSPACE_HEADER: envelope.workspace_id,
    }
    if more:
        headers[COMMIT_HEADER] = str(1 + len(more))
    if envelope.traceparent:
        headers["traceparent"] = envelope.traceparent
    else:
        inject_traceparent(headers)  # the span we are in (a consumer's, say) continues downstream
    return headers


class EventStore:
    def __init__(
        self,
        nc: NatsClient,
        stream: str,
        *,
        registry: Registry = default_registry,
        strict: bool | None = None,
        timeout: float = 5.0,
    ) -> None:
        self._nc = nc
        self._js: JetStreamContext = nc.jetstream(timeout=timeout)
        self.stream = stream
        self._registry = registry
        self._strict = strict
        self._timeout = timeout

    # -- append -----------------------------------------------------------------------------

    async def append(
        self, subject: str, events: Sequence[Envelope], expected_sequence: int | None
    ) -> AppendResult:
        """Append the events of one decision.

        `expected_sequence` is the subject's last sequence as the caller loaded it (0: the subject
        must be empty; None: no check). A conflict raises ConcurrencyError, unless the conflict is
        our own earlier attempt (same event ids already stored), which returns `duplicate=True`.
        """
        if not events:
            raise ValueError("append needs at least one event")
        try:
            return await self._append(subject, events, expected_sequence)
        except ConcurrencyError:
            if expected_sequence is None:
                raise
            already = await self._already_stored(subject, events, expected_sequence)
            if already is None:
                raise
            return already

    async def _append(
        self, subject: str, events: Sequence[Envelope], expected: int | None
    ) -> AppendResult:
        headers = envelope_headers(events[0], *events[1:])
        if expected is not None:
            headers["Nats-Expected-Last-Subject-Sequence"] = str(expected)
        try:
            ack = await self._js.publish(subject, commits.encode(events), headers=headers)
        except APIError as err:
            raise self._translate(subject, expected, err.err_code, err.description) from err
        return AppendResult(ack.seq, ack.seq, duplicate=bool(ack.duplicate))

    def _translate(
        self, subject: str, expected: int | None, err_code: int | None, description: str | None
    ) -> Exception:
        conflict = err_code == ERR_WRONG_LAST_SEQUENCE
        if conflict and expected is not None:
            return ConcurrencyError(subject, expected, actual_from_description(description))
        return AppendError(f"append to {subject} refused: {description} (code {err_code})")

    async def _already_stored(
        self, subject: str, events: Sequence[Envelope], expected: int
    ) -> AppendResult | None:
        """Was exactly this decision stored right after `expected`? (A retry of a lost ack.)"""
        async for raw in read_subject(
            self._nc, self.stream, subject, start_sequence=expected + 1, timeout=self._timeout
        ):
            if raw.headers.get("Nats-Msg-Id") != str(events[0].event_id):
                return None
            return AppendResult(raw.sequence, raw.sequence, duplicate=True)
        return None

    # -- load -------------------------------------------------------------------------------

    async def load(self, subject: str, *, after: int = 0) -> list[StoredEvent]:
        """Every event of the subject with a sequence greater than `after`."""
        return [
            event
            async for raw in read_subject(
                self._nc, self.stream, subject, start_sequence=after + 1, timeout=self._timeout
            )
            for event in self._decode(raw)
        ]

    async def load_aggregate(self, subject: str, *, snapshots: bool = True) -> Loaded:
        """The latest snapshot, if any, and the events after it. `snapshots=False` skips the
        snapshot lookup (one round trip) for aggregates that never take any."""
        snapshot = await self._last_snapshot(subject) if snapshots else None
        after = snapshot.snapshot_of or 0 if snapshot is not None else 0
        events = await self.load(subject, after=after)
        version = events[-1].sequence if events else after
        return Loaded(snapshot=snapshot, events=events, version=version)

    async def last_sequence(self, subject: str) -> int:
        """The subject's last sequence (0 if empty), without reading its events."""
        try:
            info = await self._js.get_last_msg(self.stream, subject, direct=True)
        except NotFoundError:
            return 0
        return int(info.seq or 0)

    # -- snapshots --------------------------------------------------------------------------

    async def save_snapshot(self, subject: str, snapshot: Envelope, *, at_sequence: int) -> None:
        """Store `snapshot` as the state after event `at_sequence`; older snapshots roll up."""
        headers = envelope_headers(snapshot)
        headers[SNAPSHOT_SEQUENCE] = str(at_sequence)
        headers["Nats-Rollup"] = "sub"
        await self._js.publish(snapshot_subject(subject), snapshot.to_bytes(), headers=headers)

    async def _last_snapshot(self, subject: str) -> StoredEvent | None:
        snap_subject = snapshot_subject(subject)
        try:
            raw = await self._js.get_last_msg(self.stream, snap_subject, direct=True)
        except NotFoundError:
            return None
        headers = {str(k): str(v) for k, v in (raw.headers or {}).items()}
        [decoded] = self._decode(
            RawStored(int(raw.seq or 0), snap_subject, headers, raw.data or b"")
        )
        return replace(decoded, snapshot_of=int(headers[SNAPSHOT_SEQUENCE]))

    # -- decoding ---------------------------------------------------------------------------

    def _decode(self, raw: RawStored) -> list[StoredEvent]:
        return decode_stored(
            raw.sequence, raw.subject, raw.data, registry=self._registry, strict=self._strict
        )


def decode_stored(
    sequence: int,
    subject: str,
    data: bytes,
    *,
    registry: Registry = default_registry,
    strict: bool | None = None,
) -> list[StoredEvent]:
    """The events of one stored message (one, or a commit's), decoded and upcast."""
    return [
        StoredEvent(
            sequence, subject, envelope, registry.decode(envelope, strict=strict), position=n
        )
        for n, envelope in enumerate(commits.decode(data, strict=strict))
    ]
