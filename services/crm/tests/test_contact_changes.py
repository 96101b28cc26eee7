"""change-contact and get-contact over NATS against the running crm service."""

from __future__ import annotations

from collections.abc import Callable

from nats.aio.client import Client as NatsClient

from parley.contracts.crm.queries import (
    ChangeContact,
    ChangeField,
    ContactChangeResult,
    ContactInput,
    ContactReply,
    EvidenceInput,
    FieldChangeResult,
    GetContact,
)
from parley.contracts.ids import contact_id_for
from parley.crm.testing.harness import QueryFailed, ask
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


async def change(nc: NatsClient, ws: str, **fields: object) -> ContactChangeResult:
    return await ask(nc, ws, ChangeContact.model_validate(fields), ContactChangeResult)


async def read(nc: NatsClient, ws: str, contact_id: str) -> ContactReply | None:
    try:
        return await ask(nc, ws, GetContact(contact_id=contact_id), ContactReply)
    except QueryFailed as failed:
        if failed.code != "CONTACT_NOT_FOUND":
            raise
        return None


async def test_create_update_tag_stage_consent(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    defined = await ask(
        nc,
        ws,
        ChangeField(action="define", key="plan", label="Plan", type="text"),
        FieldChangeResult,
    )
    assert defined.ok
    created = await change(
        nc,
        ws,
        action="create",
        contact=ContactInput(
            phone="+351 912 345 678",
            name="Ana",
            language="pt-PT",
            time_zone="Europe/Lisbon",
            fields={"plan": "pro"},
            tags=(" VIP", "vip", "Lisbon"),
        ),
    )
    assert created.ok, created
    cid = contact_id_for(ws, "351912345678")
    assert created.contact_id == cid
    assert created.events == ("crm.ContactCreated",)
    assert created.contact is not None
    assert created.contact.phone == "+351912345678"
    assert created.contact.tags == ("vip", "lisbon")

    again = await change(nc, ws, action="create", contact=ContactInput(phone="+351912345678"))
    assert (again.ok, again.code) == (False, "CONTACT_EXISTS")

    updated = await change(
        nc,
        ws,
        action="update",
        contact_id=cid,
        contact=ContactInput(name="Ana M", fields={"plan": None}),
    )
    assert updated.events == ("crm.ContactUpdated",)
    tagged = await change(
        nc, ws, action="tag", contact_id=cid, add_tags=("Buyer",), remove_tags=("lisbon",)
    )
    assert tagged.contact is not None
    assert tagged.contact.tags == ("vip", "buyer")
    same = await change(nc, ws, action="tag", contact_id=cid, add_tags=("buyer",))
    assert same.ok
    assert same.events == ()
    staged = await change(nc, ws, action="set_stage", contact_id=cid, stage="customer")
    assert staged.events == ("crm.ContactStageChanged",)
    opted_in = await change(
        nc,
        ws,
        action="opt_in",
        contact_id=cid,
        evidence=EvidenceInput(source="web form /promo", wording="Send me offers"),
    )
    assert opted_in.events == ("crm.ContactOptedIn",)
    opted_out = await change(nc, ws, action="opt_out", contact_id=cid, channel="whatsapp")
    assert opted_out.events == ("crm.ContactOptedOut",)

    async def projected() -> bool:
        reply = await read(nc, ws, cid)
        return reply is not None and reply.contact.consent.state == "opted_out"

    await eventually(projected, timeout=10)
    reply = await read(nc, ws, cid)
    assert reply is not None
    view = reply.contact
    assert (view.name, view.language, view.time_zone, view.fields) == (
        "Ana M",
        "pt-PT",
        "Europe/Lisbon",
        {},
    )
    assert (view.tags, view.stage, view.source) == (("vip", "buyer"), "customer", "api")
    assert view.consent.opted_in is not None
    assert view.consent.opted_in.wording == "Send me offers"
    # Another workspace cannot see it.
    assert await read(nc, unique("other"), cid) is None


INVALID: list[tuple[dict[str, object], set[str]]] = [
    (
        {
            "action": "create",
            "contact": {
                "phone": "12",
                "language": "english!",
                "time_zone": "Mars/Base",
                "fields": {"nope": "x"},
                "tags": ["ok", "  ", "x" * 65],
            },
        },
        {
            "contact.phone",
            "contact.language",
            "contact.time_zone",
            "fields.nope",
            "contact.tags[1]",
            "contact.tags[2]",
        },
    ),
    ({"action": "create"}, {"contact"}),
    ({"action": "create", "contact": {"name": "no key"}}, {"contact.phone"}),
    ({"action": "tag", "contact_id": "c-1"}, {"add_tags"}),
    ({"action": "set_stage", "contact_id": "c-1"}, {"stage"}),
    ({"action": "opt_in", "contact_id": "c-1"}, {"evidence"}),
    ({"action": "update", "contact_id": ""}, {"contact_id"}),
]


async def test_invalid_requests_name_field_and_rule(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    for request_fields, problem_fields in INVALID:
        result = await change(nc, unique("ws"), **request_fields)
        assert (result.ok, result.code) == (False, "CONTACT_INVALID"), request_fields
        assert {p.field for p in result.problems} == problem_fields
        assert all(p.rule for p in result.problems)


async def test_unknown_contact_is_not_found(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    result = await change(nc, unique("ws"), action="set_stage", contact_id="c-nobody", stage="lead")
    assert (result.ok, result.code) == (False, "CONTACT_NOT_FOUND")


async def test_typed_field_values(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    for key, kind, choices in (
        ("age", "number", ()),
        ("born", "date", ()),
        ("vip", "boolean", ()),
        ("plan", "choice", ("Free", "Pro")),
    ):
        defined = await ask(
            nc,
            ws,
            ChangeField.model_validate(
                {
                    "action": "define",
                    "key": key,
                    "label": key.title(),
                    "type": kind,
                    "choices": choices,
                }
            ),
            FieldChangeResult,
        )
        assert defined.ok, defined
    good = await change(
        nc,
        ws,
        action="create",
        contact=ContactInput(
            phone="+351213456789",
            fields={"age": "41", "born": "1984-02-29", "vip": "yes", "plan": "pro"},
        ),
    )
    assert good.ok, good
    assert good.contact is not None
    assert good.contact.fields == {"age": 41.0, "born": "1984-02-29", "vip": True, "plan": "Pro"}
    bad = await change(
        nc,
        ws,
        action="update",
        contact_id=good.contact_id,
        contact=ContactInput(
            fields={"age": "old", "born": "29/02/1984", "vip": "maybe", "plan": "Gold"}
        ),
    )
    assert bad.code == "CONTACT_INVALID"
    rules = {p.field: p.rule for p in bad.problems}
    assert set(rules) == {"fields.age", "fields.born", "fields.vip", "fields.plan"}
    assert rules["fields.plan"] == "must be one of: Free, Pro"
