"""Events of the crm service that other services act on, on `crm.evt.<ws>.<contact_id>`."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from parley.contracts.messages import Event


class ContactOptedOut(Event, wire_name="crm.ContactOptedOut", version=1):
    """The contact asked to receive nothing more (STOP, unsubscribe, a form, an agent).
    Messaging refuses every later send to them until they opt in again."""

    contact_id: str = Field(min_length=1, max_length=128)
    channel: str = Field(default="whatsapp", max_length=64)
    at: datetime
    source: str = Field(default="", max_length=200)


class ContactOptedIn(Event, wire_name="crm.ContactOptedIn", version=1):
    """Consent recorded, with its evidence kept by crm."""

    contact_id: str = Field(min_length=1, max_length=128)
    at: datetime
    source: str = Field(default="", max_length=200)
