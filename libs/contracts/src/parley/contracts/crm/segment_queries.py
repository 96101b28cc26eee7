"""Segments over NATS request/reply, on `parley.q.crm.<name>`: change-segment, list-segments,
get-segment, preview-segment and segment-members (what a campaign reads its audience from)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.crm.contacts import ConsentState
from parley.contracts.crm.queries import CursorField, LimitField, Problem
from parley.contracts.crm.segments import SegmentFilter
from parley.contracts.messages import Query, Reply

SegmentIdField = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")


class SegmentView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    segment_id: str
    name: str
    filter: SegmentFilter
    created_at: datetime
    updated_at: datetime


class ChangeSegment(Query, wire_name="crm.ChangeSegment", version=1):
    """save: create the segment, or replace its name and filter; delete: remove it.

    `segment_id` starts with `seg-` (crm's stream also holds contacts and imports). A saved
    filter may name only fields the workspace defines, with values of their type; each problem
    names its path (`filter.conditions[1].key`). Saving a segment as it already is records
    nothing. Reads of segments come from a read model and may lag the change by a moment."""

    action: Literal["save", "delete"]
    segment_id: str = SegmentIdField
    name: str = Field(default="", max_length=100)
    filter: SegmentFilter | None = None


class SegmentChangeResult(Reply, wire_name="crm.SegmentChangeResult", version=1):
    ok: bool
    code: str = ""  # SEGMENT_INVALID, SEGMENT_NOT_FOUND
    message: str = ""
    problems: tuple[Problem, ...] = ()
    segment: SegmentView | None = None


class ListSegments(Query, wire_name="crm.ListSegments", version=1):
    limit: int = LimitField
    cursor: str = CursorField


class SegmentPage(Reply, wire_name="crm.SegmentPage", version=1):
    items: tuple[SegmentView, ...]
    next_cursor: str | None = None


class GetSegment(Query, wire_name="crm.GetSegment", version=1):
    segment_id: str = SegmentIdField


class SegmentReply(Reply, wire_name="crm.SegmentReply", version=1):
    segment: SegmentView


class PreviewSegment(Query, wire_name="crm.PreviewSegment", version=1):
    """How many contacts a filter (or a saved segment) matches now, by consent, and a sample.

    Exactly one of `filter` and `segment_id` (the empty filter `{}` is everyone). Erased
    contacts are never counted. The sample is the first `sample` matching contact ids in id
    order. `now` (UTC when naive) is the clock of relative conditions; crm's when None."""

    filter: SegmentFilter | None = None
    segment_id: str = Field(default="", max_length=64)
    now: datetime | None = None
    sample: int = Field(default=10, ge=0, le=50)


class SegmentPreview(Reply, wire_name="crm.SegmentPreview", version=1):
    count: int
    # opted_in, opted_out, unknown (no opt-in evidence): always all three, zeros included
    by_consent: dict[ConsentState, int]
    sample: tuple[str, ...]  # contact ids
    evaluated_at: datetime


class SegmentMember(BaseModel):
    """What a campaign needs of one recipient."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    contact_id: str
    phone: str
    user_id: str
    name: str
    language: str
    consent: ConsentState
    last_inbound_at: datetime | None
    fields: dict[str, bool | float | str] = Field(default_factory=dict)
    # How the contact came to be: "scraper" is a captured lead, whose number was found, never
    # given, so no campaign includes it before it opts in (include_without_opt_in or not).
    source: str = ""


class SegmentMembers(Query, wire_name="crm.SegmentMembers", version=1):
    """Every matching contact, in contact id order, a page at a time (`after` is the last id of
    the previous page). Erased contacts are never members. Exactly one of `filter` and
    `segment_id`; a saved segment is read as it is now, so pass the same `now` on every page to
    page one consistent audience."""

    filter: SegmentFilter | None = None
    segment_id: str = Field(default="", max_length=64)
    now: datetime | None = None
    after: str = Field(default="", max_length=128)
    limit: int = Field(default=500, ge=1, le=2000)


class SegmentMemberPage(Reply, wire_name="crm.SegmentMemberPage", version=1):
    members: tuple[SegmentMember, ...]
    # pass as `after`; None when this was the last page (also when that page is full)
    last: str | None = None
