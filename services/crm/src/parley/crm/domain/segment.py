"""A saved segment as an event-sourced aggregate on `crm.evt.<ws>.<segment_id>`.

`decide` and `evolve` are pure; the handler validates the filter (it needs the workspace's
field definitions) and brings the clock in as the command's `at`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from parley.contracts.crm.events import SegmentDeleted, SegmentSaved
from parley.contracts.crm.segment_queries import SegmentView
from parley.contracts.crm.segments import EVERYONE, SegmentFilter
from parley.contracts.messages import Message

# Segments share crm's stream with contacts (`c-…`), imports (`imp-…`) and the settings
# aggregate; the prefix keeps a segment from ever being appended to one of theirs.
SEGMENT_ID_PREFIX = "seg-"


@dataclass(frozen=True)
class SaveSegment:
    segment_id: str
    name: str
    filter: SegmentFilter
    at: datetime


@dataclass(frozen=True)
class DeleteSegment:
    segment_id: str
    at: datetime


SegmentCommand = SaveSegment | DeleteSegment


@dataclass(frozen=True)
class Segment:
    exists: bool = False
    segment_id: str = ""
    name: str = ""
    filter: SegmentFilter = EVERYONE
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def view(self) -> SegmentView:
        if self.created_at is None or self.updated_at is None:
            raise ValueError(f"segment {self.segment_id!r} was never saved")
        return SegmentView(
            segment_id=self.segment_id,
            name=self.name,
            filter=self.filter,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


class SegmentRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class SegmentDecider:
    def initial_state(self) -> Segment:
        return Segment()

    def evolve(self, state: Segment, event: Message) -> Segment:
        if isinstance(event, SegmentSaved):
            return replace(
                state,
                exists=True,
                segment_id=event.segment_id,
                name=event.name,
                filter=event.filter,
                created_at=state.created_at if state.exists else event.at,
                updated_at=event.at,
            )
        if isinstance(event, SegmentDeleted):
            return Segment()  # a segment saved again under the id later starts afresh
        return state

    def decide(self, state: Segment, command: SegmentCommand) -> Sequence[Message]:
        if isinstance(command, DeleteSegment):
            if not state.exists:
                raise SegmentRefused("SEGMENT_NOT_FOUND", f"no segment {command.segment_id!r}")
            return [SegmentDeleted(segment_id=command.segment_id, at=command.at)]
        if state.exists and (state.name, state.filter) == (command.name, command.filter):
            return []  # saved as it is: nothing changed, nothing recorded
        return [
            SegmentSaved(
                segment_id=command.segment_id,
                name=command.name,
                filter=command.filter,
                at=command.at,
            )
        ]

    def snapshot(self, state: Segment) -> Message | None:
        return None  # a segment's log is short: a few saves
