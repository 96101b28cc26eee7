"""Contacts from scraped leads: a lead with a valid number becomes a contact (source scraper);
a number already known only gains the lead's tags. A lead without one stays the scraper's."""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.crm.queries import ContactInput
from parley.contracts.registry import registry
from parley.contracts.scraper.events import LeadScraped
from parley.contracts.streams import SCRAPER
from parley.crm.adapters.contact_writer import ContactRefused, ContactWriter
from parley.crm.domain.phones import InvalidPhone, parse_phone
from parley.crm.domain.profile import usable_tags
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore import commits
from parley.runtime.logs import get_logger

log = get_logger("parley.crm.leads")

CONSUMER = ConsumerSpec(
    stream=SCRAPER.name,
    durable="crm-scraped-leads",
    filter_subjects=("scraper.evt.>",),
    max_deliver=10,
    fetch_batch=128,
    lanes=8,
)


class ScrapedLeads:
    def __init__(self, nc: NatsClient) -> None:
        self._writer = ContactWriter(nc)

    async def handle(self, msg: Msg) -> None:
        types = commits.types_of(msg.headers)
        if types is not None and LeadScraped.wire_name not in types:
            return
        for envelope in commits.decode(msg.data):
            if envelope.type != LeadScraped.wire_name:
                continue
            lead = registry.decode(envelope)
            assert isinstance(lead, LeadScraped)
            await self._lead(envelope.workspace_id, lead)

    async def _lead(self, workspace_id: str, lead: LeadScraped) -> None:
        context = {"workspace_id": workspace_id, "job_id": lead.job_id, "lead_id": lead.lead_id}
        try:
            phone = parse_phone(lead.phone, lead.country).e164
        except InvalidPhone as bad:
            log.info("lead without a usable number; no contact made", reason=str(bad), **context)
            return
        incoming = ContactInput(phone=phone, name=lead.name.strip(), tags=usable_tags(lead.tags))
        try:
            outcome = await self._writer.upsert(
                workspace_id,
                incoming,
                source="scraper",
                dedupe="skip",
                evidence=None,  # finding a business's number is no consent to message it
                idempotency_key=f"lead:{lead.job_id}:{lead.lead_id}",
            )
        except ContactRefused as refused:
            log.info("lead not made a contact", reason=str(refused), **context)
            return
        log.debug("lead made a contact", outcome=outcome, **context)
