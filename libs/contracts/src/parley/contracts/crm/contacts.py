"""A contact as the CRM holds it: identity, profile, typed custom fields, tags, stage, consent.

A contact is keyed by its normalized E.164 phone number or, for a WhatsApp user who shares no
number (a username, see the BSUID facts), by that user id. Either way its `contact_id` is
`parley.contracts.ids.contact_id_for(workspace, key)` with the key being the phone's digits (what
WhatsApp calls the wa_id) or the user id, so messaging, crm and the flow engine agree without
asking each other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ContactSource = Literal["inbound", "import", "scraper", "api"]
# A simple pipeline, in order. A stage may be set to any other; "churned" ends nothing.
LIFECYCLE_STAGES: tuple[str, ...] = ("new", "lead", "qualified", "customer", "churned")
LifecycleStage = Literal["new", "lead", "qualified", "customer", "churned"]
ConsentState = Literal["unknown", "opted_in", "opted_out"]

# A custom field's value: text and choice are str, number is float, boolean is bool, and a date
# is an ISO date string (YYYY-MM-DD). The field's definition says which; crm validates it.
FieldValue = bool | float | str

ContactIdField = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")
TagField = Field(min_length=1, max_length=64)


class ConsentEvidence(BaseModel):
    """What the contact agreed to, where and when: kept so an opt-in can be shown, not claimed."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    source: str = Field(min_length=1, max_length=200)  # "web form /promo", "import 2026-11", ...
    at: datetime
    wording: str = Field(default="", max_length=2000)  # the text shown when they agreed
    channel: str = Field(default="whatsapp", max_length=64)


class Consent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    state: ConsentState = "unknown"
    opted_in: ConsentEvidence | None = None  # the latest opt-in
    opted_out_at: datetime | None = None
    opted_out_channel: str = ""
    opted_out_source: str = ""  # "keyword STOP", "agent", "import", ...


class ContactView(BaseModel):
    """One contact as read from crm's read model (it may lag a change by a moment)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    contact_id: str
    phone: str = ""  # E.164 with its '+', or "" for a user known only by WhatsApp user id
    user_id: str = ""
    name: str = ""
    language: str = ""  # BCP 47, e.g. "en", "pt-BR"
    time_zone: str = ""  # IANA, e.g. "Europe/Lisbon"
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    tags: tuple[str, ...] = ()
    stage: LifecycleStage = "new"
    source: ContactSource = "api"
    consent: Consent = Field(default_factory=Consent)
    last_inbound_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    erased: bool = False  # personal data removed; only the id and the erasure remain
