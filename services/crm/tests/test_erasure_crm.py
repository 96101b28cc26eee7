"""Erasure in crm: the log keeps only the ContactErased, the read model only a tombstone, also
after a full rebuild; the person writing in again is a fresh contact."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from nats.aio.client import Client as NatsClient
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.queries import (
    ChangeContact,
    ContactChangeResult,
    ContactDataExport,
    ContactInput,
    ContactReply,
    EvidenceInput,
    ExportContactData,
    GetContact,
)
from parley.contracts.streams import CRM
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.testing.harness import QueryFailed, ask
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

PHONE = "+351913579246"


async def _change(nc: NatsClient, ws: str, request: ChangeContact) -> ContactChangeResult:
    return await ask(nc, ws, request, ContactChangeResult)


async def _personal_rows(engine: AsyncEngine, ws: str, schema: str) -> list[tuple[str, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                f'SELECT phone, name FROM "{schema}".contacts WHERE workspace_id = :ws'
                " AND (phone = :phone OR name = 'Rita Secret' OR tags <> '{}' OR fields <> '{}')"
            ),
            {"ws": ws, "phone": PHONE},
        )
        return [(r.phone, r.name) for r in rows]


@pytest.mark.timeout(90)
async def test_erase_purges_log_and_read_model_even_after_rebuild(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    created = await _change(
        nc,
        ws,
        ChangeContact(
            action="create",
            contact=ContactInput(phone=PHONE, name="Rita Secret", tags=("vip",)),
            evidence=EvidenceInput(source="shop counter", wording="Yes, Rita agrees"),
        ),
    )
    assert created.ok
    cid = created.contact_id
    await _change(nc, ws, ChangeContact(action="set_stage", contact_id=cid, stage="lead"))
    exported = await ask(nc, ws, ExportContactData(contact_id=cid), ContactDataExport)
    assert [i.kind for i in exported.consent_history] == ["opted_in"]
    assert exported.consent_history[0].detail["wording"] == "Yes, Rita agrees"

    erased = await _change(nc, ws, ChangeContact(action="erase", contact_id=cid, by="member m-1"))
    assert erased.ok
    assert erased.events == ("crm.ContactErased",)
    assert erased.contact is not None
    assert erased.contact.erased
    assert not erased.contact.phone

    stored = await EventStore(nc, CRM.name).load(contact_subject(ws, cid))
    assert [e.envelope.type for e in stored] == ["crm.ContactErased"]

    async def tombstone() -> bool:
        try:
            reply = await ask(nc, ws, GetContact(contact_id=cid), ContactReply)
        except QueryFailed:  # the read model has not seen the contact yet
            return False
        return reply.contact.erased

    await eventually(tombstone, timeout=30)
    view = (await ask(nc, ws, GetContact(contact_id=cid), ContactReply)).contact
    assert (view.phone, view.name, view.tags, view.consent.opted_in) == ("", "", (), None)
    assert await _personal_rows(crm.engine, ws, crm.schema) == []
    again = await _change(nc, ws, ChangeContact(action="tag", contact_id=cid, add_tags=("x",)))
    assert again.code == "CONTACT_ERASED"
    # An import or an API call may not bring them back; only they can, by writing in.
    recreated = await _change(
        nc,
        ws,
        ChangeContact(action="create", contact=ContactInput(phone=PHONE, name="Rita Secret")),
    )
    assert recreated.code == "CONTACT_ERASED"

    [runner] = [r for r in crm.projections if r.name == "crm-contacts"]
    await runner.rebuild()
    view = (await ask(nc, ws, GetContact(contact_id=cid), ContactReply)).contact
    assert view.erased
    assert not view.phone
    assert not view.name
    assert await _personal_rows(crm.engine, ws, crm.schema) == []
    async with crm.engine.connect() as conn:
        kept = await conn.execute(
            sa.text(
                f'SELECT count(*) FROM "{crm.schema}".erased_contacts'
                " WHERE workspace_id = :ws AND contact_id = :cid"
            ),
            {"ws": ws, "cid": cid},
        )
        assert kept.scalar_one() == 1
