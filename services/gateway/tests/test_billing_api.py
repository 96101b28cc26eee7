"""Plans and billing over the public API, on the running system (billing over the test catalog,
without Stripe): the billing page with the usage of every limit, who may see and pay, checkout
without Stripe, the limits the gateway enforces itself (seats, workspaces, API access), a plan's
refusal relayed from the flow engine as a 402, and billing told of every new workspace.

The tests of a limit write the workspace's entitlements into KV themselves, once billing has
written its own (so billing's later write cannot replace them), and before the gateway first
reads them (so no cached value stands in the way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from nats.aio.client import Client as NatsClient
from nats.js.errors import KeyNotFoundError

from parley.contracts.billing.commands import RegisterWorkspace
from parley.contracts.billing.entitlements import (
    ENTITLEMENTS_BUCKET,
    FEATURES,
    MONTHLY,
    STANDING,
    Entitlements,
)
from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.gateway.application.billing import percent
from parley.gateway.application.plan_refusals import named_metric
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, phone_number_id
from parley.runtime.testing.plugin import eventually

from .conftest import PASSWORD, Account, NewAccount, System

W = "/workspaces/{workspace_id}"
# The GraphQL fields of billing and the REST routes whose permission each must need.
BILLING_REST: dict[str, tuple[str, str]] = {"Query.billing": ("GET", f"{W}/billing")}
GRAPH: dict[str, Any] = {
    "entry": "greet",
    "nodes": [{"id": "greet", "type": "send_message", "message": {"kind": "text", "body": "Hi"}}],
    "edges": [],
    "triggers": [{"kind": "keyword", "keywords": ["billing"]}],
}
# The test catalog's free plan (tests/plans.toml).
FREE_LIMITS = {
    "messages_sent": 100000,
    "ai_answers": 1000,
    "leads_scraped": 1000,
    "published_flows": 100,
    "active_campaigns": 50,
    "numbers": 20,
    "seats": 100,
    "workspaces": 50,
    "kb_documents": 100,
}


async def entitlements_written(nc: NatsClient, workspace_id: str) -> Entitlements:
    """Billing's entitlements of the workspace, once it has written them."""
    kv = await nc.jetstream().key_value(ENTITLEMENTS_BUCKET)
    found: list[Entitlements] = []

    async def written() -> bool:
        try:
            entry = await kv.get(workspace_id)
        except KeyNotFoundError:
            return False
        found.append(Entitlements.model_validate_json(entry.value or b"{}"))
        return True

    await eventually(written, timeout=15)
    return found[-1]


async def impose(nc: NatsClient, workspace_id: str, **changes: Any) -> Entitlements:
    """Replace billing's entitlements of the workspace with a stricter plan."""
    current = await entitlements_written(nc, workspace_id)
    strict = current.model_copy(update=changes)
    kv = await nc.jetstream().key_value(ENTITLEMENTS_BUCKET)
    await kv.put(workspace_id, strict.model_dump_json().encode())
    return strict


async def member(
    api: httpx.AsyncClient, account: NewAccount, owner: Account, name: str, role: str
) -> Account:
    joined = await account(name)
    invited = await api.post(
        owner.path("/invitations"), json={"email": joined.email, "role": role}, headers=owner.auth
    )
    assert invited.status_code == 201, invited.text
    accepted = await api.post(
        "/api/v1/invitations/accept", json={"token": invited.json()["token"]}, headers=joined.auth
    )
    assert accepted.status_code == 200, accepted.text
    return Account(joined.email, joined.user_id, owner.workspace_id, joined.token, "")


def usage_of(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {bar["metric"]: bar for bar in page["usage"]}


# -- the page ----------------------------------------------------------------------------------


async def test_a_new_workspace_is_on_the_free_plan_with_a_bar_for_every_limit(
    api: httpx.AsyncClient, account: NewAccount, system: System
) -> None:
    ana = await account("ana")
    answer = await api.get(ana.path("/billing"), headers=ana.auth)
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["workspace_id"] == ana.workspace_id
    assert page["organization_id"].startswith("org_")
    assert page["plan"] == {"id": "free", "name": "Free"}
    assert (page["status"], page["source"]) == ("active", "default")
    assert page["period"]["start"] < page["period"]["end"]
    assert page["stripe_enabled"] is False
    assert page["cancel_at_period_end"] is False
    assert (page["trial_end"], page["grace_until"]) == (None, None)
    assert page["features"] == sorted(FEATURES)
    assert page["warnings"] == []
    assert [p["plan_id"] for p in page["plans"]] == ["free", "starter", "pro"]
    assert [bar["metric"] for bar in page["usage"]] == [*MONTHLY, *STANDING]
    bars = usage_of(page)
    assert {m: bar["limit"] for m, bar in bars.items()} == FREE_LIMITS
    assert {m: bar["scope"] for m, bar in bars.items()} == {
        **dict.fromkeys((*MONTHLY, *STANDING), "ws"),
        "seats": "org",
        "workspaces": "org",
    }
    used = {m: bar["used"] for m, bar in bars.items()}
    # ai-rag does not run in this module: its figure is unknown (None), not a made-up 0.
    zeros = dict.fromkeys(FREE_LIMITS, 0)
    assert used == {**zeros, "seats": 1, "workspaces": 1, "kb_documents": None}
    assert bars["seats"]["percent"] == 1  # 1 of 100
    assert bars["numbers"]["percent"] == 0

    # A number connected and a flow published move their bars.
    number = phone_number_id()
    system.fake.phone_numbers[number] = "1555" + number[-7:]
    connected = await api.post(
        ana.path("/channels/cloud-api"),
        json={
            "channel_id": "billing-main",
            "phone_number_id": number,
            "business_account_id": system.fake.waba_id,
            "access_token": FAKE_TOKEN,
            "app_secret": FAKE_APP_SECRET,
            "verify_token": "verify-billing",
        },
        headers=ana.auth,
    )
    assert connected.status_code == 201, connected.text
    flow = await api.post(ana.path("/flows"), json={"name": "B", "graph": GRAPH}, headers=ana.auth)
    assert flow.status_code == 201, flow.text
    published = await api.post(
        ana.path(f"/flows/{flow.json()['flow_id']}/publish"), json={}, headers=ana.auth
    )
    assert published.status_code == 200, published.text

    async def counted() -> bool:
        bars = usage_of((await api.get(ana.path("/billing"), headers=ana.auth)).json())
        return (bars["numbers"]["used"], bars["published_flows"]["used"]) == (1, 1)

    await eventually(counted, timeout=15)
    bars = usage_of((await api.get(ana.path("/billing"), headers=ana.auth)).json())
    assert (bars["numbers"]["percent"], bars["published_flows"]["percent"]) == (5, 1)


async def test_everyone_reads_the_page_only_owners_pay_and_strangers_see_nothing(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    owner = await account("owner")
    viewer = await member(api, account, owner, "viewer", "viewer")
    editor = await member(api, account, owner, "editor", "editor")
    admin = await member(api, account, owner, "admin", "admin")
    stranger = await account("stranger")

    seen = await api.get(owner.path("/billing"), headers=viewer.auth)
    assert seen.status_code == 200, seen.text
    assert usage_of(seen.json())["seats"]["used"] == 4
    for who in (editor, admin, viewer):
        for method, rest, body in (
            ("POST", "/billing/checkout", {"plan": "starter"}),
            ("POST", "/billing/portal", None),
            ("GET", "/billing/invoices", None),
        ):
            refused = await api.request(method, owner.path(rest), json=body, headers=who.auth)
            assert refused.status_code == 403, (who.email, rest, refused.text)
            assert "billing:manage" in refused.json()["detail"]
    hidden = await api.get(owner.path("/billing"), headers=stranger.auth)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "NOT_FOUND")
    paying = await api.post(
        owner.path("/billing/checkout"), json={"plan": "starter"}, headers=stranger.auth
    )
    assert paying.status_code == 404


async def test_without_stripe_checkout_and_portal_say_how_plans_are_assigned(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    checkout = await api.post(
        ana.path("/billing/checkout"),
        json={"plan": "starter"},
        headers={**ana.auth, "Idempotency-Key": "billing-checkout-1"},
    )
    assert checkout.status_code == 409, checkout.text
    assert checkout.headers["content-type"].startswith("application/problem+json")
    assert checkout.json()["code"] == "BILLING_NOT_CONFIGURED"
    assert "parley billing assign" in checkout.json()["detail"]
    portal = await api.post(ana.path("/billing/portal"), headers=ana.auth)
    assert (portal.status_code, portal.json()["code"]) == (409, "BILLING_NOT_CONFIGURED")
    invoices = await api.get(ana.path("/billing/invoices"), headers=ana.auth)
    assert invoices.status_code == 200, invoices.text
    assert invoices.json() == {"items": [], "next_cursor": None, "stripe_enabled": False}
    bad = await api.post(ana.path("/billing/checkout"), json={"plan": "No!"}, headers=ana.auth)
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["plan"]


async def test_the_catalog_is_for_any_signed_in_caller(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    answer = await api.get("/api/v1/plans", headers=ana.auth)
    assert answer.status_code == 200, answer.text
    catalog = answer.json()
    assert catalog["stripe_enabled"] is False
    assert [(p["plan_id"], p["name"], p["rank"]) for p in catalog["plans"]] == [
        ("free", "Free", 0),
        ("starter", "Starter", 1),
        ("pro", "Pro", 2),
    ]
    assert catalog["plans"][2]["limits"]["seats"] is None  # unlimited
    assert (await api.get("/api/v1/plans")).status_code == 401


async def test_graphql_billing_has_the_pages_shape(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    query = """query($ws: ID!) {
      billing(workspaceId: $ws) {
        plan { id name } status stripeEnabled features
        usage { metric scope used limit percent } plans { planId purchasable }
      }
      plans { version plans { planId } }
    }"""
    answer = await api.post(
        "/graphql",
        json={"query": query, "variables": {"ws": ana.workspace_id}},
        headers=ana.auth,
    )
    body = answer.json()
    assert "errors" not in body, body
    billing = body["data"]["billing"]
    rest = (await api.get(ana.path("/billing"), headers=ana.auth)).json()
    assert billing["plan"] == rest["plan"]
    assert billing["usage"] == rest["usage"]
    assert [p["planId"] for p in billing["plans"]] == ["free", "starter", "pro"]
    assert [p["purchasable"] for p in billing["plans"]] == [False, False, False]  # no Stripe
    assert [p["planId"] for p in body["data"]["plans"]["plans"]] == ["free", "starter", "pro"]


# -- the plan's refusals -------------------------------------------------------------------------


async def test_a_publish_the_flow_engine_refuses_for_the_plan_is_a_402_naming_the_upgrade(
    api: httpx.AsyncClient, account: NewAccount, nc: NatsClient
) -> None:
    ana = await account("ana")
    await impose(
        nc,
        ana.workspace_id,
        limits={**FREE_LIMITS, "published_flows": 1},
        lifted_by={"published_flows": "Starter"},
    )
    first = await api.post(ana.path("/flows"), json={"name": "1", "graph": GRAPH}, headers=ana.auth)
    second = await api.post(
        ana.path("/flows"), json={"name": "2", "graph": GRAPH}, headers=ana.auth
    )
    one = await api.post(
        ana.path(f"/flows/{first.json()['flow_id']}/publish"), json={}, headers=ana.auth
    )
    assert one.status_code == 200, one.text

    async def counted() -> bool:
        # The flow engine counts live flows from its read model, which follows the first
        # publish; GET reads that same model. Retrying the refused publish instead would
        # publish the second flow whenever the model lagged.
        shown = await api.get(ana.path(f"/flows/{first.json()['flow_id']}"), headers=ana.auth)
        assert shown.status_code in (200, 404), shown.text
        return shown.status_code == 200 and shown.json()["latest_version"] == 1

    await eventually(counted, timeout=15)
    answer = await api.post(
        ana.path(f"/flows/{second.json()['flow_id']}/publish"), json={}, headers=ana.auth
    )
    assert answer.status_code == 402
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "PLAN_LIMIT_REACHED"
    assert problem["detail"].startswith("published_flows: 1 of 1 used")
    assert problem["upgrade"] == {"plan_name": "Starter"}


async def test_an_invitation_beyond_the_seats_is_a_402(
    api: httpx.AsyncClient, account: NewAccount, nc: NatsClient
) -> None:
    ana = await account("ana")
    await impose(
        nc, ana.workspace_id, limits={**FREE_LIMITS, "seats": 2}, lifted_by={"seats": "Starter"}
    )
    bob = {"email": "bob-seat@example.com", "role": "viewer"}
    taken = await api.post(ana.path("/invitations"), json=bob, headers=ana.auth)
    assert taken.status_code == 201, taken.text  # ana and bob: 2 of 2
    again = await api.post(ana.path("/invitations"), json=bob, headers=ana.auth)
    assert again.status_code == 201, again.text  # bob holds his seat already
    cid = {"email": "cid-seat@example.com", "role": "viewer"}
    refused = await api.post(ana.path("/invitations"), json=cid, headers=ana.auth)
    assert refused.status_code == 402, refused.text
    problem = refused.json()
    assert problem["code"] == "PLAN_LIMIT_REACHED"
    assert problem["detail"].startswith("seats: 2 of 2 used now by the organization on the")
    assert "Upgrade to Starter" in problem["detail"]
    assert problem["upgrade"] == {"plan_name": "Starter"}
    revoked = await api.post(
        ana.path(f"/invitations/{again.json()['invitation']['id']}/revoke"), headers=ana.auth
    )
    assert revoked.status_code == 200
    freed = await api.post(ana.path("/invitations"), json=cid, headers=ana.auth)
    assert freed.status_code == 201, freed.text


async def test_a_workspace_beyond_the_plan_is_a_402(
    api: httpx.AsyncClient, account: NewAccount, nc: NatsClient
) -> None:
    ana = await account("ana")
    me = (await api.get(ana.path(), headers=ana.auth)).json()
    await impose(
        nc,
        ana.workspace_id,
        limits={**FREE_LIMITS, "workspaces": 1},
        lifted_by={"workspaces": "Pro"},
    )
    refused = await api.post(
        f"/api/v1/organizations/{me['organization_id']}/workspaces",
        json={"name": "Second"},
        headers=ana.auth,
    )
    assert refused.status_code == 402, refused.text
    assert refused.json()["code"] == "PLAN_LIMIT_REACHED"
    assert refused.json()["detail"].startswith("workspaces: 1 of 1 used now")
    assert refused.json()["upgrade"] == {"plan_name": "Pro"}
    listed = (await api.get("/api/v1/workspaces", headers=ana.auth)).json()
    assert [w["workspace_id"] for w in listed] == [ana.workspace_id]


async def test_an_api_key_needs_the_api_access_feature(
    api: httpx.AsyncClient, account: NewAccount, nc: NatsClient
) -> None:
    ana = await account("ana")
    await impose(nc, ana.workspace_id, features=frozenset(), lifted_by={"api_access": "Starter"})
    refused = await api.post(
        ana.path("/api-keys"), json={"name": "ci", "permissions": ["flows:read"]}, headers=ana.auth
    )
    assert refused.status_code == 402, refused.text
    problem = refused.json()
    assert problem["code"] == "PLAN_FEATURE_MISSING"
    assert problem["detail"].startswith("api_access: not included in the")
    assert problem["upgrade"] == {"plan_name": "Starter"}
    keys = (await api.get(ana.path("/api-keys"), headers=ana.auth)).json()
    assert keys["items"] == []


# -- registration --------------------------------------------------------------------------------


async def last_registration(nc: NatsClient, organization_id: str) -> tuple[RegisterWorkspace, str]:
    raw = await nc.jetstream().get_last_msg("BILLING", f"billing.cmd.{organization_id}.account")
    command = registry.decode(Envelope.from_bytes(raw.data or b""))
    assert isinstance(command, RegisterWorkspace)
    return command, (raw.headers or {}).get("Nats-Msg-Id", "")


async def test_every_new_workspace_is_registered_with_billing(
    api: httpx.AsyncClient, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    signed = await api.post(
        "/api/v1/auth/signup",
        json={"email": f"{unique('reg')}@example.com", "password": PASSWORD, "name": "Reg"},
    )
    assert signed.status_code == 201, signed.text
    body = signed.json()
    org, first = body["organization"]["id"], body["workspace"]["id"]
    command, msg_id = await last_registration(nc, org)
    assert (command.organization_id, command.workspace_id) == (org, first)
    assert msg_id == f"register:{first}"

    auth = {"Authorization": f"Bearer {body['tokens']['access_token']}"}
    made = await api.post(
        f"/api/v1/organizations/{org}/workspaces", json={"name": "Second"}, headers=auth
    )
    assert made.status_code == 201, made.text
    command, msg_id = await last_registration(nc, org)
    assert command.workspace_id == made.json()["id"]
    assert msg_id == f"register:{made.json()['id']}"
    # Billing takes it: the second workspace gets the organization's plan.
    written = await entitlements_written(nc, made.json()["id"])
    assert (written.plan, written.organization_id) == ("free", org)


# -- pure rules ----------------------------------------------------------------------------------


def test_the_metric_a_refusal_names_is_read_only_when_it_is_one_we_know() -> None:
    assert named_metric("published_flows: 3 of 3 used now by this workspace") == "published_flows"
    assert named_metric("ai_node: not included in the Free plan") == "ai_node"
    assert named_metric("Sorry: no") is None
    assert named_metric("no colon at all") is None


def test_percent() -> None:
    assert percent(1, 3) == 33
    assert percent(5, 4) == 125  # over the limit after a downgrade: shown as it is
    assert percent(3, None) is None
    assert percent(None, 10) is None
    assert percent(0, 0) == 100
