"""Segments and campaigns over REST and GraphQL, against the running system: a segment saved and
previewed, a campaign created, dry-run, scheduled, launched, paused, resumed and cancelled; a
blocked launch naming what blocks it; refusals as problems; the same over GraphQL."""

from __future__ import annotations

from typing import Any

import httpx

from parley.runtime.testing.plugin import eventually

from .conftest import Account, NewAccount

TEMPLATE = {"kind": "template", "name": "winter_promo", "language": "en_US"}
PROBLEM = "application/problem+json"


async def audience(api: httpx.AsyncClient, who: Account) -> str:
    """A sandbox number, three contacts tagged `promo` (two opted in) and a segment of them."""
    number = await api.post(who.path("/channels/sandbox"), json={}, headers=who.auth)
    assert number.status_code == 201, number.text
    for n in range(3):
        made = await api.post(
            who.path("/contacts"),
            json={"phone": f"+1415555030{n}", "name": f"C{n}", "tags": ["promo"]},
            headers=who.auth,
        )
        assert made.status_code == 201, made.text
        if n < 2:
            opted = await api.post(
                who.path(f"/contacts/{made.json()['contact_id']}/opt-in"),
                json={"source": "web form"},
                headers=who.auth,
            )
            assert opted.status_code == 200, opted.text
    segment = await api.put(
        who.path("/segments/seg-promo"),
        json={"name": "Promo", "filter": {"conditions": [{"kind": "tag", "tag": "promo"}]}},
        headers=who.auth,
    )
    assert segment.status_code == 200, segment.text

    async def counted() -> bool:
        preview = await api.get(who.path("/segments/seg-promo/preview"), headers=who.auth)
        body = preview.json()
        return preview.status_code == 200 and body["by_consent"].get("opted_in") == 2

    await eventually(counted, timeout=20)
    return "seg-promo"


def definition(segment_id: str, **extra: Any) -> dict[str, Any]:
    return {"name": "Winter", "kind": "template", "segment_id": segment_id, "template": TEMPLATE}


async def test_segments_are_saved_previewed_and_deleted(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    segment_id = await audience(api, ana)
    preview = (await api.get(ana.path(f"/segments/{segment_id}/preview"), headers=ana.auth)).json()
    assert (preview["count"], len(preview["sample"])) == (3, 3)
    unsaved = await api.post(
        ana.path("/segments/preview"),
        json={"filter": {"conditions": [{"kind": "consent", "state": "opted_in"}]}, "sample": 0},
        headers=ana.auth,
    )
    assert (unsaved.json()["count"], unsaved.json()["sample"]) == (2, [])
    made = await api.post(
        ana.path("/segments"), json={"name": "Everyone", "filter": {}}, headers=ana.auth
    )
    assert made.status_code == 201, made.text
    new_id = made.json()["segment"]["segment_id"]
    assert new_id.startswith("seg-")

    async def both() -> bool:
        page = (await api.get(ana.path("/segments"), headers=ana.auth)).json()
        return sorted(s["segment_id"] for s in page["items"]) == sorted([segment_id, new_id])

    await eventually(both, timeout=15)
    got = (await api.get(ana.path(f"/segments/{segment_id}"), headers=ana.auth)).json()
    assert got["filter"]["conditions"][0]["tag"] == "promo"
    deleted = await api.delete(ana.path(f"/segments/{new_id}"), headers=ana.auth)
    assert deleted.status_code == 200, deleted.text
    gone = await api.delete(ana.path(f"/segments/{new_id}"), headers=ana.auth)
    assert gone.status_code == 404
    deep: dict[str, Any] = {"conditions": [{"conditions": [{"conditions": [{"conditions": []}]}]}]}
    too_deep = await api.put(
        ana.path("/segments/seg-deep"), json={"name": "Deep", "filter": deep}, headers=ana.auth
    )
    assert too_deep.status_code == 422
    assert too_deep.headers["content-type"] == PROBLEM
    assert too_deep.json()["errors"][0]["field"].startswith("filter")


async def test_a_campaign_from_draft_to_cancelled(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    segment_id = await audience(api, ana)
    created = await api.post(
        ana.path("/campaigns"),
        json={"campaign_id": "cmp-winter", "definition": definition(segment_id)},
        headers=ana.auth,
    )
    assert created.status_code == 201, created.text
    assert created.json()["campaign"]["status"] == "draft"
    again = await api.post(
        ana.path("/campaigns"),
        json={"campaign_id": "cmp-winter", "definition": definition(segment_id)},
        headers=ana.auth,
    )
    assert (again.status_code, again.json()["code"]) == (409, "CAMPAIGN_EXISTS")

    report = await api.post(ana.path("/campaigns/cmp-winter/dry-run"), json={}, headers=ana.auth)
    assert report.status_code == 200, report.text
    assert (report.json()["audience"], report.json()["will_send"]) == (3, 2)
    assert report.json()["excluded_without_opt_in"] == 1

    renamed = {**definition(segment_id), "name": "Winter sale"}
    updated = await api.put(
        ana.path("/campaigns/cmp-winter"), json={"definition": renamed}, headers=ana.auth
    )
    assert updated.json()["campaign"]["definition"]["name"] == "Winter sale"
    resumed = await api.post(ana.path("/campaigns/cmp-winter/resume"), headers=ana.auth)
    assert (resumed.status_code, resumed.json()["code"]) == (409, "CAMPAIGN_STATE")

    scheduled = await api.post(
        ana.path("/campaigns/cmp-winter/schedule"),
        json={"send_at": "2099-01-01T09:00:00Z"},
        headers=ana.auth,
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["campaign"]["status"] == "scheduled"
    launched = await api.post(ana.path("/campaigns/cmp-winter/launch"), headers=ana.auth)
    assert launched.status_code == 200, launched.text
    assert launched.json()["campaign"]["stats"]["targeted"] == 2
    paused = await api.post(ana.path("/campaigns/cmp-winter/pause"), headers=ana.auth)
    assert paused.json()["campaign"]["status"] in ("paused", "completed")
    cancelled = await api.post(ana.path("/campaigns/cmp-winter/cancel"), headers=ana.auth)
    assert cancelled.status_code in (200, 409), cancelled.text

    # The read model follows the log: the cancel is answered before the view has it.
    async def ended() -> bool:
        view = await api.get(ana.path("/campaigns/cmp-winter"), headers=ana.auth)
        return view.json()["status"] in ("cancelled", "completed")

    async def listed() -> bool:
        page = await api.get(ana.path("/campaigns"), headers=ana.auth)
        return [c["campaign_id"] for c in page.json()["items"]] == ["cmp-winter"]

    await eventually(ended, timeout=15)
    await eventually(listed, timeout=15)


async def test_a_blocked_launch_and_other_refusals_are_problems(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    segment_id = await audience(api, ana)
    needs_city = {
        **definition(segment_id),
        "template": {**TEMPLATE, "body_parameters": ["{{contact.fields.city}}"]},
    }
    made = await api.post(
        ana.path("/campaigns"),
        json={"campaign_id": "cmp-city", "definition": needs_city},
        headers=ana.auth,
    )
    assert made.status_code == 201, made.text
    blocked = await api.post(ana.path("/campaigns/cmp-city/launch"), headers=ana.auth)
    assert blocked.status_code == 409, blocked.text
    assert blocked.headers["content-type"] == PROBLEM
    assert blocked.json()["code"] == "CAMPAIGN_BLOCKED"
    assert any("TEMPLATE_FIELD_MISSING" in e["rule"] for e in blocked.json()["errors"])

    no_template = {"name": "x", "kind": "template", "segment_id": segment_id}
    invalid = await api.post(
        ana.path("/campaigns"), json={"definition": no_template}, headers=ana.auth
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"].startswith("definition")
    missing = await api.get(ana.path("/campaigns/cmp-nobody"), headers=ana.auth)
    assert missing.status_code == 404
    naive = await api.post(
        ana.path("/campaigns/cmp-city/schedule"),
        json={"send_at": "2099-01-01T09:00:00"},
        headers=ana.auth,
    )
    assert naive.status_code == 422
    assert naive.json()["errors"][0]["field"] == "send_at"


CAMPAIGNS = """query($ws: ID!) {
  campaigns(workspaceId: $ws) { items { campaignId name status stats { targeted } } }
}"""
CREATE = """mutation($ws: ID!, $definition: JSON!) {
  createCampaign(workspaceId: $ws, definition: $definition, campaignId: "cmp-gql") {
    ok campaign { status kind }
  }
}"""
DRY_RUN = """query($ws: ID!) {
  campaignDryRun(workspaceId: $ws, campaignId: "cmp-gql") { audience willSend blocking }
}"""
CONTACTS = """query($ws: ID!, $segment: ID) {
  contacts(workspaceId: $ws, segmentId: $segment, withTotal: true, order: "name_asc") {
    total items { name tags consent { state } }
  }
}"""
TAG = """mutation($ws: ID!, $id: ID!) {
  tagContact(workspaceId: $ws, contactId: $id, add: ["gql"]) { ok contact { tags } }
}"""


async def graphql(api: httpx.AsyncClient, who: Account, query: str, **variables: Any) -> Any:
    answer = await api.post(
        "/graphql", json={"query": query, "variables": variables}, headers=who.auth
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_contacts_and_campaigns_over_graphql(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    segment_id = await audience(api, ana)
    found = await graphql(api, ana, CONTACTS, ws=ana.workspace_id, segment=segment_id)
    page = found["data"]["contacts"]
    assert page["total"] == 3
    assert [c["name"] for c in page["items"]] == ["C0", "C1", "C2"]
    assert [c["consent"]["state"] for c in page["items"]] == ["opted_in", "opted_in", "unknown"]

    contact_id = (await api.get(ana.path("/contacts"), headers=ana.auth)).json()["items"][0][
        "contact_id"
    ]
    tagged = await graphql(api, ana, TAG, ws=ana.workspace_id, id=contact_id)
    assert "gql" in tagged["data"]["tagContact"]["contact"]["tags"]

    created = await graphql(
        api, ana, CREATE, ws=ana.workspace_id, definition=definition(segment_id)
    )
    assert created["data"]["createCampaign"] == {
        "ok": True,
        "campaign": {"status": "draft", "kind": "template"},
    }
    report = (await graphql(api, ana, DRY_RUN, ws=ana.workspace_id))["data"]["campaignDryRun"]
    assert (report["audience"], report["willSend"], report["blocking"]) == (3, 2, False)

    async def listed() -> bool:
        body = await graphql(api, ana, CAMPAIGNS, ws=ana.workspace_id)
        return [c["campaignId"] for c in body["data"]["campaigns"]["items"]] == ["cmp-gql"]

    await eventually(listed, timeout=15)
    refused = await graphql(
        api, ana, CREATE, ws=ana.workspace_id, definition={"name": "x", "kind": "template"}
    )
    error = refused["errors"][0]["extensions"]
    assert (error["code"], error["status"]) == ("INVALID_REQUEST", 422)
    assert error["errors"][0]["field"].startswith("definition")
    other = await account("other")
    hidden = await graphql(api, other, DRY_RUN, ws=ana.workspace_id)
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
