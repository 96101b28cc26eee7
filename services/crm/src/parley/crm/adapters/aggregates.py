"""crm's aggregates in the CRM stream: load, decide, append with ids derived from a key.

Like the runtime's `execute`, but the event ids come from an idempotency key the caller names
(an inbound event's id, a flow's command id, an import's row), not from a cause envelope: the
same key always yields the same ids, so a redelivered or resumed operation is deduplicated by
JetStream (`Nats-Msg-Id`) even when its envelope is a new one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from nats.aio.client import Client as NatsClient

from parley.contracts.crm.events import SETTINGS_ID
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.contracts.streams import CRM
from parley.contracts.subjects import event_subject
from parley.runtime.errors import TooMuchContention
from parley.runtime.eventstore import AppendResult, ConcurrencyError, EventStore

S = TypeVar("S")
C = TypeVar("C")

# Fixed forever: event ids derived from it identify stored events.
_KEYED = uuid.UUID("1c0b5f7e-7f5e-4d6a-9d8e-3a2f6c1b9e42")


def contact_subject(workspace_id: str, contact_id: str) -> str:
    return event_subject("crm", workspace_id, contact_id)


def settings_subject(workspace_id: str) -> str:
    return event_subject("crm", workspace_id, SETTINGS_ID)


def keyed_event_id(subject: str, key: str, index: int) -> uuid.UUID:
    return uuid.uuid5(_KEYED, f"{subject}|{key}|{index}")


def wrap(
    workspace_id: str,
    subject: str,
    key: str,
    messages: Sequence[Message],
    cause: Envelope | None = None,
) -> list[Envelope]:
    """The envelopes of one decision, ids derived from `key`, caused by `cause` if given."""
    return [
        Envelope.wrap(
            message,
            workspace_id=workspace_id,
            event_id=keyed_event_id(subject, key, n),
            correlation_id=cause.correlation_id if cause else None,
            causation_id=cause.event_id if cause else None,
            traceparent=cause.traceparent if cause else None,
        )
        for n, message in enumerate(messages)
    ]


@dataclass(frozen=True)
class Decided(Generic[S]):
    before: S  # the state the decision was taken on
    state: S  # after the decided events
    events: list[Envelope]
    result: AppendResult | None  # None when nothing was decided
    version: int  # the subject's last sequence after the decision


class Aggregates(Generic[S, C]):
    """One kind of aggregate: its pure fold and decision, over the CRM stream."""

    def __init__(
        self,
        nc: NatsClient,
        initial: Callable[[], S],
        evolve: Callable[[S, Message], S],
        decide: Callable[[S, C], Sequence[Message]],
    ) -> None:
        self.store = EventStore(nc, CRM.name)
        self._initial = initial
        self._evolve = evolve
        self._decide = decide

    async def load(self, subject: str) -> tuple[S, int]:
        loaded = await self.store.load_aggregate(subject, snapshots=False)
        state = self._initial()
        for stored in loaded.events:
            state = self._evolve(state, stored.message)
        return state, loaded.version

    async def run(
        self,
        workspace_id: str,
        subject: str,
        command: C,
        *,
        key: str,
        cause: Envelope | None = None,
        max_attempts: int = 10,
    ) -> Decided[S]:
        """Decide `command` on the latest state and append; a concurrent append makes it load and
        decide again. ContactRefused (or any refusal) from `decide` propagates."""
        for _ in range(max_attempts):
            state, version = await self.load(subject)
            decided = list(self._decide(state, command))
            if not decided:
                return Decided(state, state, [], None, version)
            envelopes = wrap(workspace_id, subject, key, decided, cause)
            try:
                result = await self.store.append(subject, envelopes, version)
            except ConcurrencyError:
                continue
            after = state
            for message in decided:
                after = self._evolve(after, message)
            return Decided(state, after, envelopes, result, result.last_sequence)
        raise TooMuchContention(f"{subject}: no append succeeded in {max_attempts} attempts")
