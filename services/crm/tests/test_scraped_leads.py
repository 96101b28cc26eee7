"""LeadScraped events become scraper contacts; a known number only gains the lead's tags."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.crm.events import ContactCreated, ContactTagsChanged
from parley.contracts.crm.queries import ContactReply, GetContact
from parley.contracts.envelope import Envelope
from parley.contracts.ids import contact_id_for
from parley.contracts.scraper.events import LeadScraped
from parley.contracts.streams import CRM, SCRAPER
from parley.contracts.subjects import event_subject
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.testing.harness import QueryFailed, ask
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


def _lead(n: int, phone: str, tags: tuple[str, ...]) -> LeadScraped:
    return LeadScraped(
        job_id="job-1",
        lead_id=f"lead-{n}",
        name=f"Padaria {n}",
        phone=phone,
        country="PT",
        provider="google_places",
        tags=tags,
        at=datetime.now(UTC),
    )


async def test_leads_become_scraper_contacts(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    leads = EventStore(nc, SCRAPER.name)
    subject = event_subject("scraper", ws, "job-1")
    for lead in (
        _lead(1, "21 345 6789", ("Bakery", "Lisbon")),  # national notation, region PT
        _lead(2, "not a number", ("bakery",)),
        _lead(3, "+351 213 456 789", ("Cafe",)),  # the same number as lead 1
    ):
        await leads.append(subject, [Envelope.wrap(lead, workspace_id=ws)], None)
    cid = contact_id_for(ws, "351213456789")
    store = EventStore(nc, CRM.name)

    async def tagged_twice() -> bool:
        return len(await store.load(contact_subject(ws, cid))) == 2

    await eventually(tagged_twice, timeout=10)
    created, tagged = (e.message for e in await store.load(contact_subject(ws, cid)))
    assert isinstance(created, ContactCreated)
    assert isinstance(tagged, ContactTagsChanged)
    assert (created.source, created.name, created.tags) == (
        "scraper",
        "Padaria 1",
        ("bakery", "lisbon"),
    )
    assert tagged.added == ("cafe",)

    async def projected() -> bool:
        try:
            reply = await ask(nc, ws, GetContact(contact_id=cid), ContactReply)
        except QueryFailed:
            return False
        return reply.contact.tags == ("bakery", "lisbon", "cafe")

    await eventually(projected, timeout=10)
