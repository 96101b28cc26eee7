"""Running a decision against an event-sourced aggregate.

load -> fold with `evolve` -> `decide` -> append with the loaded version as the expected sequence.
A concurrent writer makes the append fail; we reload and decide again, so the decision is always
taken on the latest state. `decide` and `evolve` are the aggregate's pure functions: the loop here
does all the I/O.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.runtime.errors import TooMuchContention
from parley.runtime.eventstore.errors import ConcurrencyError
from parley.runtime.eventstore.store import AppendResult, EventStore

S = TypeVar("S")
C = TypeVar("C", contravariant=True)


class Decider(Protocol[S, C]):
    def initial_state(self) -> S: ...

    def evolve(self, state: S, event: Message) -> S: ...

    def decide(self, state: S, command: C) -> Sequence[Message]: ...

    def snapshot(self, state: S) -> Message | None:
        """The state as a snapshot event that `evolve` folds back into the same state."""
        ...


@dataclass(frozen=True)
class SnapshotPolicy:
    """Take a snapshot once this many events follow the last one. None: never."""

    every: int | None = None


@dataclass(frozen=True)
class Outcome(Generic[S]):
    state: S
    events: list[Envelope]
    result: AppendResult | None  # None when the decision produced no event
    attempts: int
    before: S  # the state the decision was taken on, for handlers that react to a change


def derived_event_id(cause_id: uuid.UUID, subject: str, index: int) -> uuid.UUID:
    """A redelivered cause yields the same event ids, so the append deduplicates."""
    return uuid.uuid5(cause_id, f"{subject}#{index}")


async def execute(
    store: EventStore,
    subject: str,
    decider: Decider[S, C],
    command: C,
    *,
    cause: Envelope,
    policy: SnapshotPolicy = SnapshotPolicy(),
    max_attempts: int = 10,
) -> Outcome[S]:
    """Decide `command` on the aggregate at `subject` and append what it decided."""
    for attempt in range(1, max_attempts + 1):
        # No snapshot policy: none is ever written, so none is looked up (the events are all
        # there either way; a snapshot only shortens the load).
        loaded = await store.load_aggregate(subject, snapshots=policy.every is not None)
        state = decider.initial_state()
        for stored in loaded.all():
            state = decider.evolve(state, stored.message)
        decided = list(decider.decide(state, command))
        if not decided:
            return Outcome(state, [], None, attempt, state)
        envelopes = [
            cause.caused(message, event_id=derived_event_id(cause.event_id, subject, i))
            for i, message in enumerate(decided)
        ]
        try:
            result = await store.append(subject, envelopes, loaded.version)
        except ConcurrencyError:
            continue
        before = state
        for message in decided:
            state = decider.evolve(state, message)
        if policy.every is not None and len(loaded.events) + len(decided) >= policy.every:
            snap = decider.snapshot(state)
            if snap is not None:
                await store.save_snapshot(
                    subject, cause.caused(snap), at_sequence=result.last_sequence
                )
        return Outcome(state, envelopes, result, attempt, before)
    raise TooMuchContention(f"{subject}: no append succeeded in {max_attempts} attempts")
