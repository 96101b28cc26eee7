"""Events of the crm service, on `crm.evt.<ws>.<aggregate id>`.

Aggregates: a contact (`c-…`, its id from `contact_id_for`), the workspace's crm settings
(`crm.evt.<ws>.crm-settings`: custom fields and consent keywords), a segment (`seg-…`) and an
import (`imp-…`). Other services act on the consent and erasure events.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from parley.contracts.crm.contacts import (
    ConsentEvidence,
    ContactSource,
    FieldValue,
    LifecycleStage,
)
from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.segments import SegmentFilter
from parley.contracts.messages import Event

SETTINGS_ID = "crm-settings"  # the aggregate id of a workspace's crm settings


class ContactCreated(Event, wire_name="crm.ContactCreated", version=1):
    contact_id: str = Field(min_length=1, max_length=128)
    phone: str = Field(default="", max_length=20)
    user_id: str = Field(default="", max_length=128)
    name: str = Field(default="", max_length=256)
    language: str = Field(default="", max_length=35)
    time_zone: str = Field(default="", max_length=64)
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    tags: tuple[str, ...] = ()
    stage: LifecycleStage = "new"
    source: ContactSource
    at: datetime


class ContactUpdated(Event, wire_name="crm.ContactUpdated", version=1):
    """Profile changes: a None attribute is unchanged; `unset_fields` are removed."""

    contact_id: str = Field(min_length=1, max_length=128)
    name: str | None = None
    language: str | None = None
    time_zone: str | None = None
    phone: str | None = None  # a user id contact whose number became known
    set_fields: dict[str, FieldValue] = Field(default_factory=dict)
    unset_fields: tuple[str, ...] = ()
    at: datetime


class ContactTagsChanged(Event, wire_name="crm.ContactTagsChanged", version=1):
    """Only tags that really changed are listed; the flow engine's tag_added triggers read it."""

    contact_id: str = Field(min_length=1, max_length=128)
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    at: datetime
    execution_id: str | None = None  # the flow step that did it, if any


class ContactStageChanged(Event, wire_name="crm.ContactStageChanged", version=1):
    contact_id: str = Field(min_length=1, max_length=128)
    stage: LifecycleStage
    previous: LifecycleStage
    at: datetime


class ContactOptedOut(Event, wire_name="crm.ContactOptedOut", version=1):
    """The contact asked to receive nothing more (STOP, unsubscribe, a form, an agent).
    Messaging refuses every later send to them until they opt in again."""

    contact_id: str = Field(min_length=1, max_length=128)
    channel: str = Field(default="whatsapp", max_length=64)
    at: datetime
    source: str = Field(default="", max_length=200)


class ContactOptedIn(Event, wire_name="crm.ContactOptedIn", version=1):
    """Consent recorded. `wording` is what the contact was shown when they agreed."""

    contact_id: str = Field(min_length=1, max_length=128)
    at: datetime
    source: str = Field(default="", max_length=200)
    wording: str = Field(default="", max_length=2000)
    channel: str = Field(default="whatsapp", max_length=64)

    def evidence(self) -> ConsentEvidence:
        return ConsentEvidence(
            source=self.source or "unspecified",
            at=self.at,
            wording=self.wording,
            channel=self.channel,
        )


class ContactErased(Event, wire_name="crm.ContactErased", version=1):
    """The contact's personal data is to be forgotten. crm purges the contact's own events,
    keeping only this one; every read model that holds their data drops it, and keeps dropping
    it when it is rebuilt from older events of other streams."""

    contact_id: str = Field(min_length=1, max_length=128)
    at: datetime
    by: str = Field(default="", max_length=200)  # the member or API key that asked


class FieldDefined(Event, wire_name="crm.FieldDefined", version=1):
    """A custom field was added or its label or choices changed (its type never changes)."""

    field: FieldDefinition
    at: datetime


class FieldRemoved(Event, wire_name="crm.FieldRemoved", version=1):
    key: str
    at: datetime


class ConsentKeywordsChanged(Event, wire_name="crm.ConsentKeywordsChanged", version=1):
    """Which languages' STOP words opt a contact out, and the workspace's own extra words."""

    languages: tuple[str, ...]
    extra_keywords: tuple[str, ...] = ()
    at: datetime


class SegmentSaved(Event, wire_name="crm.SegmentSaved", version=1):
    segment_id: str
    name: str
    filter: SegmentFilter
    at: datetime


class SegmentDeleted(Event, wire_name="crm.SegmentDeleted", version=1):
    segment_id: str
    at: datetime
