"""Contacts, fields and STOP keywords over the REST API, against the running system (messaging,
flow-engine, crm and the gateway, real, on the embedded NATS and PostgreSQL): a contact through
its life, refusals naming the field and rule, isolation between workspaces, the CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from fastapi.routing import APIRoute

from parley.gateway.api.access import route_permission
from parley.gateway.api.routes import campaigns, contacts, imports, segments
from parley.gateway.domain.roles import ROLES, can
from parley.gateway.graphql import FIELD_PERMISSIONS
from parley.runtime.testing.plugin import eventually

from .conftest import Account, NewAccount

PROBLEM = "application/problem+json"


async def created(api: httpx.AsyncClient, who: Account, **contact: Any) -> dict[str, Any]:
    answer = await api.post(who.path("/contacts"), json=contact, headers=who.auth)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    assert body["ok"] is True
    return body


async def readable(api: httpx.AsyncClient, who: Account, contact_id: str) -> dict[str, Any]:
    """The contact once crm's read model has it."""
    found: dict[str, Any] = {}

    async def check() -> bool:
        answer = await api.get(who.path(f"/contacts/{contact_id}"), headers=who.auth)
        found.update(answer.json() if answer.status_code == 200 else {})
        return answer.status_code == 200

    await eventually(check, timeout=15)
    return found


async def test_a_contact_through_its_life(api: httpx.AsyncClient, account: NewAccount) -> None:
    ana = await account("ana")
    field = await api.put(
        ana.path("/fields/plan"),
        json={"label": "Plan", "type": "choice", "choices": ["free", "pro"]},
        headers=ana.auth,
    )
    assert field.status_code == 200, field.text
    made = await created(
        api, ana, phone="+351 912 345 678", name="Ada", tags=["vip"], fields={"plan": "pro"}
    )
    contact_id = made["contact_id"]
    assert made["contact"]["phone"] == "+351912345678"

    patched = await api.patch(
        ana.path(f"/contacts/{contact_id}"),
        json={"name": "Ada L.", "language": "pt-PT"},
        headers=ana.auth,
    )
    assert patched.status_code == 200, patched.text
    tagged = await api.post(
        ana.path(f"/contacts/{contact_id}/tags"),
        json={"add": ["lisbon"], "remove": ["vip"]},
        headers=ana.auth,
    )
    assert tagged.json()["contact"]["tags"] == ["lisbon"]
    staged = await api.put(
        ana.path(f"/contacts/{contact_id}/stage"), json={"stage": "customer"}, headers=ana.auth
    )
    assert staged.json()["contact"]["stage"] == "customer"
    opted_in = await api.post(
        ana.path(f"/contacts/{contact_id}/opt-in"),
        json={"source": "web form /promo", "wording": "Yes, send me offers"},
        headers=ana.auth,
    )
    assert opted_in.json()["contact"]["consent"]["state"] == "opted_in"

    async def settled() -> bool:
        answer = await api.get(ana.path(f"/contacts/{contact_id}"), headers=ana.auth)
        body = answer.json()
        return answer.status_code == 200 and body["consent"]["state"] == "opted_in"

    await eventually(settled, timeout=15)
    contact = (await api.get(ana.path(f"/contacts/{contact_id}"), headers=ana.auth)).json()
    assert (contact["name"], contact["stage"], contact["fields"]) == (
        "Ada L.",
        "customer",
        {"plan": "pro"},
    )

    async def timeline_kinds() -> list[str]:
        page = await api.get(ana.path(f"/contacts/{contact_id}/timeline"), headers=ana.auth)
        return [item["kind"] for item in page.json()["items"]]

    await eventually(lambda: _has(timeline_kinds, "opted_in"), timeout=15)
    kinds = await timeline_kinds()
    assert kinds[0] == "contact_created"
    assert {"tags_changed", "stage_changed", "opted_in"} <= set(kinds)

    opted_out = await api.post(
        ana.path(f"/contacts/{contact_id}/opt-out"), json={"source": "agent"}, headers=ana.auth
    )
    assert opted_out.json()["contact"]["consent"]["state"] == "opted_out"

    exported = await api.get(ana.path(f"/contacts/{contact_id}/export"), headers=ana.auth)
    assert exported.status_code == 200, exported.text
    assert exported.json()["contact"]["contact_id"] == contact_id

    erased = await api.delete(ana.path(f"/contacts/{contact_id}/personal-data"), headers=ana.auth)
    assert erased.status_code == 200, erased.text

    async def forgotten() -> bool:
        body = (await api.get(ana.path(f"/contacts/{contact_id}"), headers=ana.auth)).json()
        return body.get("erased") is True and body.get("name") == "" and body.get("phone") == ""

    await eventually(forgotten, timeout=15)
    again = await api.patch(
        ana.path(f"/contacts/{contact_id}"), json={"name": "Back"}, headers=ana.auth
    )
    assert again.status_code == 409
    assert again.json()["code"] == "CONTACT_ERASED"


async def _has(read: Any, kind: str) -> bool:
    return kind in await read()


async def test_refusals_name_the_field_and_the_rule(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    bad_phone = await api.post(ana.path("/contacts"), json={"phone": "12"}, headers=ana.auth)
    assert bad_phone.status_code == 422
    assert bad_phone.headers["content-type"] == PROBLEM
    assert bad_phone.json()["code"] == "CONTACT_INVALID"
    assert [e["field"] for e in bad_phone.json()["errors"]] == ["phone"]

    nobody = await api.post(ana.path("/contacts"), json={"name": "No key"}, headers=ana.auth)
    assert nobody.status_code == 422
    assert nobody.json()["errors"], nobody.text

    unknown_field = await api.post(
        ana.path("/contacts"),
        json={"phone": "+14155550100", "fields": {"shoe_size": 44}},
        headers=ana.auth,
    )
    assert unknown_field.status_code == 422
    assert unknown_field.json()["errors"][0]["field"] == "fields.shoe_size"

    twice = {"phone": "+14155550101"}
    await created(api, ana, **twice)
    again = await api.post(ana.path("/contacts"), json=twice, headers=ana.auth)
    assert again.status_code == 409
    assert again.json()["code"] == "CONTACT_EXISTS"

    missing = await api.get(ana.path("/contacts/ct_nobody"), headers=ana.auth)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    tag_missing = await api.post(
        ana.path("/contacts/ct_nobody/tags"), json={"add": ["x"]}, headers=ana.auth
    )
    assert tag_missing.status_code == 404

    bad_stage = await api.put(
        ana.path("/contacts/ct_nobody/stage"), json={"stage": "royalty"}, headers=ana.auth
    )
    assert bad_stage.status_code == 422
    assert bad_stage.json()["errors"][0]["field"] == "stage"

    bad_type = await api.put(ana.path("/fields/age"), json={"label": "Age"}, headers=ana.auth)
    assert bad_type.status_code == 422
    assert bad_type.json()["errors"][0] == {"field": "type", "rule": "required"}


async def test_contacts_of_one_workspace_are_not_seen_from_another(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    a, b = await account("a"), await account("b")
    theirs = await created(api, b, phone="+14155550102", name="Bea")
    contact_id = theirs["contact_id"]
    await readable(api, b, contact_id)
    # A names B's contact inside A's own workspace: crm scopes every read to the workspace.
    assert (await api.get(a.path(f"/contacts/{contact_id}"), headers=a.auth)).status_code == 404
    touched = await api.post(
        a.path(f"/contacts/{contact_id}/tags"), json={"add": ["mine"]}, headers=a.auth
    )
    assert touched.status_code == 404
    # And B's workspace itself is not A's.
    assert (await api.get(b.path("/contacts"), headers=a.auth)).status_code == 404
    kept = await api.get(b.path(f"/contacts/{contact_id}"), headers=b.auth)
    assert kept.json()["tags"] == []


async def test_contacts_are_listed_searched_and_filtered(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    a, b = await account("a"), await account("b")
    ada = (await created(api, a, phone="+14155550110", name="Ada", tags=["vip"]))["contact_id"]
    bob = (await created(api, a, phone="+14155550111", name="Bob"))["contact_id"]
    await created(api, b, phone="+14155550112", name="Ada of B")

    async def listed(**params: Any) -> list[str]:
        page = await api.get(a.path("/contacts"), params=params, headers=a.auth)
        assert page.status_code == 200, page.text
        return [c["contact_id"] for c in page.json()["items"]]

    async def both() -> bool:
        return sorted(await listed()) == sorted([ada, bob])

    await eventually(both, timeout=15)
    assert await listed(search="ada") == [ada]
    assert await listed(order="created_asc") == [ada, bob]
    first = (await api.get(a.path("/contacts"), params={"limit": 1}, headers=a.auth)).json()
    assert first["next_cursor"]
    second = await api.get(
        a.path("/contacts"), params={"limit": 1, "cursor": first["next_cursor"]}, headers=a.auth
    )
    assert [c["contact_id"] for c in second.json()["items"]] == [ada]
    vip = {"conditions": [{"kind": "tag", "tag": "vip"}]}
    searched = await api.post(
        a.path("/contacts/search"), json={"filter": vip, "with_total": True}, headers=a.auth
    )
    assert searched.status_code == 200, searched.text
    assert [c["contact_id"] for c in searched.json()["items"]] == [ada]
    assert searched.json()["total"] == 1
    bad = await api.post(
        a.path("/contacts/search"),
        json={"filter": {"conditions": [{"kind": "tag", "op": "maybe", "tag": "x"}]}},
        headers=a.auth,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("filter.conditions.0")


async def test_stop_keywords_are_read_and_set(api: httpx.AsyncClient, account: NewAccount) -> None:
    ana = await account("ana")
    before = await api.get(ana.path("/consent-keywords"), headers=ana.auth)
    assert before.status_code == 200, before.text
    assert "STOP" in [w.upper() for w in before.json()["stop_keywords"]]
    changed = await api.put(
        ana.path("/consent-keywords"),
        json={"languages": ["en", "pt"], "extra_keywords": ["basta"]},
        headers=ana.auth,
    )
    assert changed.status_code == 200, changed.text
    assert "basta" in [w.lower() for w in changed.json()["stop_keywords"]]
    refused = await api.put(
        ana.path("/consent-keywords"), json={"languages": ["xx"]}, headers=ana.auth
    )
    assert refused.status_code == 422
    assert refused.json()["errors"], refused.text


async def test_the_csv_export_streams_every_contact(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    await api.put(
        ana.path("/fields/city"), json={"label": "City", "type": "text"}, headers=ana.auth
    )
    phones = [f"+1415555{n:04d}" for n in range(1200, 1212)]
    for n, phone in enumerate(phones):
        fields = {"city": "=HYPERLINK(1)"} if n == 0 else {"city": "Porto"}
        await created(api, ana, phone=phone, name=f"Contact {n}", fields=fields)

    async def all_listed() -> bool:
        page = await api.get(ana.path("/contacts"), params={"limit": 100}, headers=ana.auth)
        return len(page.json()["items"]) == len(phones)

    await eventually(all_listed, timeout=20)
    async with api.stream("GET", ana.path("/contacts/export.csv"), headers=ana.auth) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/csv")
        assert "attachment" in answer.headers["content-disposition"]
        assert "content-length" not in answer.headers  # streamed, not built whole
        text = (await answer.aread()).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["phone"] for r in rows] == phones  # oldest first
    assert rows[0]["field:city"] == "'=HYPERLINK(1)"  # a formula is neutralised
    assert rows[1]["field:city"] == "Porto"
    assert rows[1]["name"] == "Contact 1"

    missing = await api.get(
        ana.path("/contacts/export.csv"), params={"segment_id": "nope"}, headers=ana.auth
    )
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


# -- permissions: the table, and GraphQL's fields against their REST routes -------------------

W = "/workspaces/{workspace_id}"
GRAPHQL_REST: dict[str, tuple[str, str]] = {
    "Query.contacts": ("POST", f"{W}/contacts/search"),
    "Query.contact": ("GET", f"{W}/contacts/{{contact_id}}"),
    "Query.contactTimeline": ("GET", f"{W}/contacts/{{contact_id}}/timeline"),
    "Query.segments": ("GET", f"{W}/segments"),
    "Query.segment": ("GET", f"{W}/segments/{{segment_id}}"),
    "Query.segmentPreview": ("POST", f"{W}/segments/preview"),
    "Query.imports": ("GET", f"{W}/imports"),
    "Query.importJob": ("GET", f"{W}/imports/{{import_id}}"),
    "Query.importErrors": ("GET", f"{W}/imports/{{import_id}}/errors"),
    "Query.campaigns": ("GET", f"{W}/campaigns"),
    "Query.campaign": ("GET", f"{W}/campaigns/{{campaign_id}}"),
    "Query.campaignDryRun": ("POST", f"{W}/campaigns/{{campaign_id}}/dry-run"),
    "Mutation.createContact": ("POST", f"{W}/contacts"),
    "Mutation.updateContact": ("PATCH", f"{W}/contacts/{{contact_id}}"),
    "Mutation.tagContact": ("POST", f"{W}/contacts/{{contact_id}}/tags"),
    "Mutation.setContactStage": ("PUT", f"{W}/contacts/{{contact_id}}/stage"),
    "Mutation.optInContact": ("POST", f"{W}/contacts/{{contact_id}}/opt-in"),
    "Mutation.optOutContact": ("POST", f"{W}/contacts/{{contact_id}}/opt-out"),
    "Mutation.eraseContact": ("DELETE", f"{W}/contacts/{{contact_id}}/personal-data"),
    "Mutation.saveSegment": ("PUT", f"{W}/segments/{{segment_id}}"),
    "Mutation.deleteSegment": ("DELETE", f"{W}/segments/{{segment_id}}"),
    "Mutation.createCampaign": ("POST", f"{W}/campaigns"),
    "Mutation.updateCampaign": ("PUT", f"{W}/campaigns/{{campaign_id}}"),
    "Mutation.launchCampaign": ("POST", f"{W}/campaigns/{{campaign_id}}/launch"),
    "Mutation.scheduleCampaign": ("POST", f"{W}/campaigns/{{campaign_id}}/schedule"),
    "Mutation.pauseCampaign": ("POST", f"{W}/campaigns/{{campaign_id}}/pause"),
    "Mutation.resumeCampaign": ("POST", f"{W}/campaigns/{{campaign_id}}/resume"),
    "Mutation.cancelCampaign": ("POST", f"{W}/campaigns/{{campaign_id}}/cancel"),
}


def test_each_crm_and_campaign_field_needs_what_its_rest_route_needs() -> None:
    routes = {
        (method, route.path): route
        for module in (contacts, segments, imports, campaigns)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    for name, (method, path) in GRAPHQL_REST.items():
        assert FIELD_PERMISSIONS[name] == route_permission(routes[(method, path)]), name


def test_who_may_do_what_with_contacts_and_campaigns() -> None:
    first_role = {
        "contacts:read": "viewer",
        "campaigns:read": "viewer",
        "contacts:write": "agent",
        "contacts:import": "editor",
        "contacts:export": "editor",
        "segments:write": "editor",
        "fields:write": "editor",
        "campaigns:write": "editor",
        "contacts:erase": "admin",
        "consent:write": "admin",
        "campaigns:launch": "admin",
    }
    for permission, lowest in first_role.items():
        holders = [role for role in ROLES if can(role, permission)]
        assert holders == list(ROLES[ROLES.index(lowest) :]), permission
