"""Asking crm over NATS request/reply, on `parley.q.crm.<name>`.

The gateway needs answers: whether a change was taken and, if not, each problem with its field
and rule. Reads come from crm's read model and may lag a change by a moment. Lists are pages:
`next_cursor` is opaque, handed back as `cursor`, and None on the last page.

Each query answers on the kebab-case of its name (ChangeContact on `change-contact`,
GetContactTimeline on `get-contact-timeline`); segments and imports have their own modules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.crm.contacts import (
    ContactIdField,
    ContactSource,
    ContactView,
    FieldValue,
    LifecycleStage,
)
from parley.contracts.crm.fields import FieldDefinition, FieldType
from parley.contracts.crm.segments import SegmentFilter
from parley.contracts.messages import Query, Reply

LimitField = Field(default=25, ge=1, le=100)
CursorField = Field(default="", max_length=512)


class Problem(BaseModel):
    """One thing wrong with a request: the field (dotted path) and the rule it broke."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    field: str
    rule: str


ContactAction = Literal[
    "create",  # contact {phone | user_id, name, language, time_zone, fields, tags, stage}
    "update",  # contact {name, language, time_zone, fields}; a None field value unsets it
    "tag",  # add_tags, remove_tags
    "set_stage",  # stage
    "opt_in",  # evidence {source, wording, channel}
    "opt_out",  # source, channel
    "erase",  # forget the contact's personal data
]


class ContactInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    phone: str = Field(default="", max_length=40)  # any common notation; stored as E.164
    user_id: str = Field(default="", max_length=128)
    name: str | None = Field(default=None, max_length=256)
    language: str | None = Field(default=None, max_length=35)
    time_zone: str | None = Field(default=None, max_length=64)
    fields: dict[str, FieldValue | None] = Field(default_factory=dict, max_length=100)
    tags: tuple[str, ...] = Field(default=(), max_length=50)
    stage: LifecycleStage | None = None


class EvidenceInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1, max_length=200)
    wording: str = Field(default="", max_length=2000)
    channel: str = Field(default="whatsapp", max_length=64)


class ChangeContact(Query, wire_name="crm.ChangeContact", version=1):
    """`contact_id` names the contact for every action but create (which derives it from the
    phone or user id). `source` says where a created contact came from; `by` is who asked."""

    action: ContactAction
    contact_id: str = Field(default="", max_length=128)
    contact: ContactInput | None = None
    add_tags: tuple[str, ...] = Field(default=(), max_length=50)
    remove_tags: tuple[str, ...] = Field(default=(), max_length=50)
    stage: LifecycleStage | None = None
    evidence: EvidenceInput | None = None
    opt_out_source: str = Field(default="", max_length=200)
    channel: str = Field(default="whatsapp", max_length=64)
    source: ContactSource = "api"
    by: str = Field(default="", max_length=200)


class ContactChangeResult(Reply, wire_name="crm.ContactChangeResult", version=1):
    ok: bool
    contact_id: str = ""
    # why not, when not ok: CONTACT_INVALID, CONTACT_EXISTS, CONTACT_NOT_FOUND, CONTACT_ERASED
    code: str = ""
    message: str = ""
    problems: tuple[Problem, ...] = ()
    events: tuple[str, ...] = ()  # wire names of what was recorded (none: nothing changed)
    contact: ContactView | None = None


class GetContact(Query, wire_name="crm.GetContact", version=1):
    contact_id: str = ContactIdField


class ContactReply(Reply, wire_name="crm.ContactReply", version=1):
    contact: ContactView


ContactOrder = Literal["created_desc", "created_asc", "last_inbound_desc", "name_asc"]


class ListContacts(Query, wire_name="crm.ListContacts", version=1):
    """A page of contacts, optionally narrowed by a filter or a saved segment (not both) and a
    search (part of the name or of the phone)."""

    filter: SegmentFilter | None = None
    segment_id: str = Field(default="", max_length=64)
    search: str = Field(default="", max_length=100)
    order: ContactOrder = "created_desc"
    now: datetime | None = None  # the clock relative conditions use; crm's when None
    limit: int = Field(default=25, ge=1, le=1000)
    cursor: str = CursorField
    with_total: bool = False


class ContactPage(Reply, wire_name="crm.ContactPage", version=1):
    items: tuple[ContactView, ...]
    next_cursor: str | None = None
    total: int | None = None  # when asked for


TimelineKind = Literal[
    "contact_created",
    "contact_updated",
    "tags_changed",
    "stage_changed",
    "opted_in",
    "opted_out",
    "message_in",
    "message_out",
    "message_status",
    "flow_step",
    "erased",
]


class TimelineItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    at: datetime
    kind: TimelineKind
    summary: str  # one line a person reads: "Tagged vip", "Delivered", "Flow welcome: ask_name"
    detail: dict[str, Any] = Field(default_factory=dict)
    source: str  # the event's wire name
    event_id: str


class GetContactTimeline(Query, wire_name="crm.GetContactTimeline", version=1):
    """Oldest first, the order things happened."""

    contact_id: str = ContactIdField
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str = CursorField


class TimelinePage(Reply, wire_name="crm.TimelinePage", version=1):
    items: tuple[TimelineItem, ...]
    next_cursor: str | None = None


class ExportContactData(Query, wire_name="crm.ExportContactData", version=1):
    """Everything crm holds about one contact (the data-subject access request)."""

    contact_id: str = ContactIdField


class ContactDataExport(Reply, wire_name="crm.ContactDataExport", version=1):
    contact: ContactView
    consent_history: tuple[TimelineItem, ...]
    timeline: tuple[TimelineItem, ...]
    exported_at: datetime


FieldAction = Literal["define", "remove"]


class ChangeField(Query, wire_name="crm.ChangeField", version=1):
    """define: add a field, or change the label or choices of one (never its type);
    remove: drop the definition and every contact's value of it."""

    action: FieldAction
    key: str = Field(min_length=1, max_length=40)
    label: str = Field(default="", max_length=100)
    type: FieldType | None = None
    choices: tuple[str, ...] = Field(default=(), max_length=100)


class FieldChangeResult(Reply, wire_name="crm.FieldChangeResult", version=1):
    ok: bool
    code: str = ""  # FIELD_INVALID, FIELD_NOT_FOUND, FIELD_TYPE_FIXED
    message: str = ""
    problems: tuple[Problem, ...] = ()
    field: FieldDefinition | None = None


class ListFields(Query, wire_name="crm.ListFields", version=1):
    pass


class FieldList(Reply, wire_name="crm.FieldList", version=1):
    fields: tuple[FieldDefinition, ...]


class GetConsentKeywords(Query, wire_name="crm.GetConsentKeywords", version=1):
    pass


class ChangeConsentKeywords(Query, wire_name="crm.ChangeConsentKeywords", version=1):
    languages: tuple[str, ...] = Field(min_length=1, max_length=20)
    extra_keywords: tuple[str, ...] = Field(default=(), max_length=50)


class ConsentKeywordsView(Reply, wire_name="crm.ConsentKeywordsView", version=1):
    ok: bool = True
    code: str = ""  # KEYWORDS_INVALID
    message: str = ""
    problems: tuple[Problem, ...] = ()
    languages: tuple[str, ...]
    extra_keywords: tuple[str, ...]
    stop_keywords: tuple[str, ...]  # every word that opts out, all languages together
    supported_languages: tuple[str, ...]
