"""ContactWriter against the real CRM stream: create in one append, merge by dedupe rule,
idempotent on its key, and fast with many concurrent callers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.crm.contacts import ConsentEvidence
from parley.contracts.crm.events import ContactCreated, ContactOptedIn
from parley.contracts.crm.queries import ContactInput
from parley.contracts.ids import contact_id_for
from parley.contracts.streams import CRM
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.adapters.contact_writer import ContactRefused, ContactWriter, contact_aggregates
from parley.runtime.eventstore import EventStore
from parley.runtime.streams import ensure_stream


@pytest.fixture
async def writer(nc: NatsClient, js: JetStreamContext) -> ContactWriter:
    await ensure_stream(js, CRM)
    return ContactWriter(nc)


async def _types(nc: NatsClient, ws: str, contact_id: str) -> list[str]:
    events = await EventStore(nc, CRM.name).load(contact_subject(ws, contact_id))
    return [e.envelope.type for e in events]


async def test_create_then_merge_by_rule(
    writer: ContactWriter, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    cid = contact_id_for(ws, "351912345678")
    evidence = ConsentEvidence(source="import promo.csv", at=datetime.now(UTC), wording="Yes!")
    first = ContactInput(phone="+351912345678", name="Ana", tags=("VIP ",), fields={"plan": "pro"})
    outcome = await writer.upsert(
        ws, first, source="import", dedupe="skip", evidence=evidence, idempotency_key="imp-1:row-1"
    )
    assert outcome == "created"
    assert await _types(nc, ws, cid) == ["crm.ContactCreated", "crm.ContactOptedIn"]

    # The same row again (a resumed import): nothing new.
    again = await writer.upsert(
        ws, first, source="import", dedupe="skip", evidence=evidence, idempotency_key="imp-1:row-1"
    )
    assert again == "created"
    assert len(await _types(nc, ws, cid)) == 2

    second = ContactInput(phone="+351912345678", name="Ana Maria", language="pt", tags=("new",))
    assert (
        await writer.upsert(
            ws, second, source="import", dedupe="skip", evidence=None, idempotency_key="imp-2:r1"
        )
        == "updated"  # skip still adds tags
    )
    assert (
        await writer.upsert(
            ws, second, source="import", dedupe="fill", evidence=None, idempotency_key="imp-3:r1"
        )
        == "updated"  # language was empty; the name was not
    )
    state, _ = await contact_aggregates(nc).load(contact_subject(ws, cid))
    assert (state.name, state.language, state.tags) == ("Ana", "pt", ("vip", "new"))
    assert state.consent_state == "opted_in"
    assert (
        await writer.upsert(
            ws, second, source="import", dedupe="fill", evidence=None, idempotency_key="imp-4:r1"
        )
        == "unchanged"
    )
    await writer.upsert(
        ws, second, source="import", dedupe="overwrite", evidence=None, idempotency_key="imp-5:r1"
    )
    state, _ = await contact_aggregates(nc).load(contact_subject(ws, cid))
    assert state.name == "Ana Maria"
    assert state.fields == {"plan": "pro"}


async def test_refuses_bad_input_naming_the_field(
    writer: ContactWriter, unique: Callable[[str], str]
) -> None:
    with pytest.raises(ContactRefused) as refused:
        await writer.upsert(
            unique("ws"),
            ContactInput(phone="912345678", time_zone="Mars/Olympus"),
            source="import",
            dedupe="skip",
            evidence=None,
            idempotency_key="k",
        )
    fields = {p.field for p in refused.value.problems}
    assert fields == {"contact.phone", "contact.time_zone"}


@pytest.mark.timeout(60)
async def test_many_new_contacts_concurrently(
    writer: ContactWriter, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    count = 5000
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        queue.put_nowait(n)

    async def work() -> None:
        while not queue.empty():
            n = queue.get_nowait()
            phone = f"+35191{n:07d}"
            await writer.upsert(
                ws,
                ContactInput(phone=phone, name=f"C{n}", tags=("bulk",)),
                source="import",
                dedupe="skip",
                evidence=None,
                idempotency_key=f"imp-bulk:row-{n}",
            )

    started = time.perf_counter()
    await asyncio.gather(*(work() for _ in range(200)))
    elapsed = time.perf_counter() - started
    rate = count / elapsed
    print(f"ContactWriter: {count} new contacts in {elapsed:.2f}s = {rate:,.0f}/s")
    events = await EventStore(nc, CRM.name).load(
        contact_subject(ws, contact_id_for(ws, "351910000042"))
    )
    assert isinstance(events[0].message, ContactCreated)
    assert not any(isinstance(e.message, ContactOptedIn) for e in events)
    assert rate > 1500  # a floor that catches a regression to round trips per contact
    # Gone again, so the read models of later tests in this session need not replay them all.
    await nc.jetstream().purge_stream(CRM.name, subject=f"crm.evt.{ws}.>")
