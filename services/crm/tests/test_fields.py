"""Custom field definitions: typed, the type fixed once defined, choices for choice fields."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from nats.aio.client import Client as NatsClient

from parley.contracts.crm.queries import (
    ChangeContact,
    ChangeField,
    ContactChangeResult,
    ContactInput,
    ContactReply,
    FieldChangeResult,
    FieldList,
    GetContact,
    ListFields,
)
from parley.crm.testing.harness import ask
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


async def _field(nc: NatsClient, ws: str, **request: object) -> FieldChangeResult:
    return await ask(nc, ws, ChangeField.model_validate(request), FieldChangeResult)


async def test_define_change_and_remove_fields(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    plan = await _field(
        nc, ws, action="define", key="plan", label="Plan", type="choice", choices=("Free", "Pro")
    )
    assert plan.ok
    assert plan.field is not None
    assert plan.field.choices == ("Free", "Pro")
    relabel = await _field(
        nc, ws, action="define", key="plan", label="Tier", choices=("Free", "Pro", "Max")
    )
    assert relabel.ok
    assert relabel.field is not None
    assert relabel.field.type == "choice"
    retype = await _field(nc, ws, action="define", key="plan", label="Tier", type="text")
    assert (retype.ok, retype.code) == (False, "FIELD_TYPE_FIXED")
    no_choices = await _field(nc, ws, action="define", key="size", label="Size", type="choice")
    assert no_choices.code == "FIELD_INVALID"
    assert [p.field for p in no_choices.problems] == ["choices"]
    no_type = await _field(nc, ws, action="define", key="size", label="Size")
    assert [p.field for p in no_type.problems] == ["type"]
    bad_key = await _field(nc, ws, action="define", key="Bad Key", label="x", type="text")
    assert bad_key.code == "FIELD_INVALID"
    assert [p.field for p in bad_key.problems] == ["key"]
    assert (await _field(nc, ws, action="remove", key="ghost")).code == "FIELD_NOT_FOUND"
    await _field(nc, ws, action="define", key="city", label="City", type="text")
    listed = await ask(nc, ws, ListFields(), FieldList)
    assert [(f.key, f.label) for f in listed.fields] == [("city", "City"), ("plan", "Tier")]

    contact = await ask(
        nc,
        ws,
        ChangeContact(
            action="create",
            contact=ContactInput(phone="+351912000444", fields={"plan": "max", "city": "Porto"}),
        ),
        ContactChangeResult,
    )
    assert contact.ok
    assert contact.contact is not None
    assert contact.contact.fields == {"plan": "Max", "city": "Porto"}
    assert (await _field(nc, ws, action="remove", key="plan")).ok

    async def value_gone() -> bool:
        try:
            reply = await ask(nc, ws, GetContact(contact_id=contact.contact_id), ContactReply)
        except Exception:  # noqa: BLE001 - not projected yet
            return False
        return reply.contact.fields == {"city": "Porto"}

    await eventually(value_gone, timeout=10)
    async with crm.engine.connect() as conn:
        keys = await conn.execute(
            sa.text(f'SELECT key FROM "{crm.schema}".custom_fields WHERE workspace_id = :ws'),
            {"ws": ws},
        )
        assert [r.key for r in keys] == ["city"]
    # A value for the removed field is refused now.
    refused = await ask(
        nc,
        ws,
        ChangeContact(
            action="update",
            contact_id=contact.contact_id,
            contact=ContactInput(fields={"plan": "Free"}),
        ),
        ContactChangeResult,
    )
    assert [(p.field, p.rule) for p in refused.problems] == [
        ("fields.plan", "is not a defined field")
    ]
