"""Events of the scraper service, on `scraper.evt.<ws>.<job_id>`."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from parley.contracts.messages import Event


class LeadScraped(Event, wire_name="scraper.LeadScraped", version=1):
    """A business found by a lead-capture job. crm makes a contact of it when `phone` is a
    valid number (source "scraper"); one without a usable number is kept by the scraper only."""

    job_id: str = Field(min_length=1, max_length=64)
    lead_id: str = Field(min_length=1, max_length=128)
    name: str = Field(default="", max_length=256)
    phone: str = Field(default="", max_length=40)  # E.164 when the scraper could normalize it
    email: str = Field(default="", max_length=320)
    website: str = Field(default="", max_length=500)
    address: str = Field(default="", max_length=500)
    category: str = Field(default="", max_length=200)
    provider: str = Field(default="", max_length=64)  # google_places, website, ...
    country: str = Field(default="", max_length=2)  # ISO 3166 region for numbers without '+'
    tags: tuple[str, ...] = Field(default=(), max_length=10)
    at: datetime
