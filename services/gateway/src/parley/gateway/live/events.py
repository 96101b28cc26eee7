"""What the live feed hands out: one execution event as stored, and what a subscriber asks for.

An event is identified by `(seq, position)`: the stream sequence of the message holding it (a
decision of several events is one message, a commit) and its place in that message. Clients
resume with `since=<seq>`; a commit is always delivered whole, so a seq is a clean cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from parley.contracts.executions.events import ExecutionStarted
from parley.contracts.subjects import token
from parley.runtime.eventstore import StoredEvent, commits, decode_stored

log = structlog.get_logger(__name__)

EXECUTION_EVENTS = "exec.evt.>"


@dataclass(frozen=True, slots=True)
class LiveEvent:
    seq: int  # stream sequence of the stored message (shared by a commit's events)
    position: int  # index within the commit (0 for a single event)
    workspace_id: str
    execution_id: str
    flow_id: str | None  # None while unknown (see FlowDirectory)
    type: str  # wire name
    occurred_at: datetime
    # The envelope as JSON-ready data, its payload upcast to the code's schema version when
    # the contract is known. Shared by every subscriber: never mutate it.
    envelope: dict[str, Any]
    commit_size: int = 1  # events in the stored message; the last has position commit_size - 1

    @property
    def key(self) -> tuple[int, int]:
        return (self.seq, self.position)

    @property
    def ends_commit(self) -> bool:
        return self.position == self.commit_size - 1


@dataclass(frozen=True, slots=True)
class Topic:
    """What a subscriber follows: always within one workspace, optionally one flow and/or one
    execution. Ids are checked as subject tokens, so a topic can never name a wildcard."""

    workspace_id: str
    flow_id: str | None = None
    execution_id: str | None = None

    def __post_init__(self) -> None:
        token("workspace_id", self.workspace_id)
        if self.flow_id is not None:
            token("flow_id", self.flow_id)
        if self.execution_id is not None:
            token("execution_id", self.execution_id)

    def matches(self, event: LiveEvent) -> bool:
        return (
            event.workspace_id == self.workspace_id
            and (self.execution_id is None or event.execution_id == self.execution_id)
            and (self.flow_id is None or event.flow_id == self.flow_id)
        )

    @property
    def subject_filter(self) -> str:
        """The narrowest stream filter holding every event of the topic."""
        return f"exec.evt.{self.workspace_id}.{self.execution_id or '*'}"


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One stored message of an execution, decoded: what the feed and the replay share."""

    seq: int
    workspace_id: str
    execution_id: str
    started_flow: str | None  # the flow named by an ExecutionStarted inside, if any
    events: tuple[tuple[str, datetime, dict[str, Any]], ...]  # (type, occurred_at, envelope)

    def live(self, flow_id: str | None) -> list[LiveEvent]:
        size = len(self.events)
        return [
            LiveEvent(
                seq=self.seq,
                position=n,
                workspace_id=self.workspace_id,
                execution_id=self.execution_id,
                flow_id=flow_id,
                type=type_,
                occurred_at=occurred_at,
                envelope=envelope,
                commit_size=size,
            )
            for n, (type_, occurred_at, envelope) in enumerate(self.events)
        ]


def decode_message(seq: int, subject: str, data: bytes) -> StoredMessage | None:
    """An `exec.evt.<ws>.<execution>` message as LiveEvent material; None if unreadable.

    Events whose contract this gateway does not know (a newer flow-engine) still go out, as
    stored: a console should show them rather than leave a hole."""
    parts = subject.split(".")
    if len(parts) != 4 or parts[:2] != ["exec", "evt"]:
        return None
    workspace_id, execution_id = parts[2], parts[3]
    try:
        stored = decode_stored(seq, subject, data)
    except Exception as err:  # noqa: BLE001 - fall back to the envelopes as stored
        try:
            envelopes = commits.decode(data, strict=False)
        except Exception:
            log.warning("live event unreadable", seq=seq, subject=subject, exc_info=True)
            return None
        log.info("live event of an unknown contract", seq=seq, subject=subject, error=str(err))
        return StoredMessage(
            seq,
            workspace_id,
            execution_id,
            None,
            tuple((e.type, e.occurred_at, e.model_dump(mode="json")) for e in envelopes),
        )
    return StoredMessage(
        seq, workspace_id, execution_id, _started_flow(stored), tuple(_as_live(e) for e in stored)
    )


def _started_flow(stored: Sequence[StoredEvent]) -> str | None:
    for event in stored:
        if isinstance(event.message, ExecutionStarted):
            return event.message.flow_id
    return None


def _as_live(event: StoredEvent) -> tuple[str, datetime, dict[str, Any]]:
    envelope = event.envelope.model_dump(mode="json")
    envelope["schema_version"] = event.message.schema_version
    envelope["data"] = event.message.model_dump(mode="json")
    return (event.envelope.type, event.envelope.occurred_at, envelope)
