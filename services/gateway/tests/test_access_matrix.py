"""Tenant isolation and roles, for every route of the REST API, generated from the route table.

Each route is in `MATRIX` (a route naming a workspace: a body it accepts) or in `NO_WORKSPACE`
(a route of the signed-in user or of the public): a route in neither fails the first test, so a
new route cannot ship without saying how it is isolated. Then, for every workspace route:
- a member of workspace A asking for workspace B's resources gets 404, whether A names B's
  workspace or names B's resource ids inside A's own workspace;
- each role gets 403 exactly where its permissions lack the route's, and never otherwise.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
import websockets
from fastapi import routing
from fastapi.routing import APIRoute, APIWebSocketRoute
from websockets.typing import Subprotocol

from parley.gateway.api.access import route_permission
from parley.gateway.api.app import create_api
from parley.gateway.api.context import GatewayContext
from parley.gateway.domain.roles import ROLES, can
from parley.gateway.graphql import FIELD_PERMISSIONS
from parley.gateway.settings import GatewaySettings
from parley.runtime.embedded import free_port
from parley.runtime.testing.plugin import eventually

from .conftest import Account, NewAccount, System

# Every route is tried, knowledge bases' and lead-capture jobs' too.
WITH_AI_RAG = True
WITH_SCRAPER = True

WS = "/api/v1/workspaces/{workspace_id}"
GRAPH = {
    "entry": "greet",
    "nodes": [
        {"id": "greet", "type": "send_message", "message": {"kind": "text", "body": "Hi!"}},
    ],
    "edges": [],
    "triggers": [{"kind": "keyword", "keywords": ["isolation"]}],
}


TEMPLATE = {"kind": "template", "name": "promo", "language": "en_US"}
CAMPAIGN = {"name": "Matrix", "kind": "template", "filter": {}, "template": TEMPLATE}
CSV_MAPPING = json.dumps({"Phone": "phone"})


@dataclass(frozen=True)
class Entry:
    body: dict[str, Any] | None = None
    params: dict[str, Any] = field(default_factory=dict)


MATRIX: dict[tuple[str, str], Entry] = {
    ("GET", WS): Entry(),
    ("GET", f"{WS}/members"): Entry(),
    ("PATCH", f"{WS}/members/{{user_id}}"): Entry({"role": "viewer"}),
    ("DELETE", f"{WS}/members/{{user_id}}"): Entry(),
    ("GET", f"{WS}/invitations"): Entry(),
    ("POST", f"{WS}/invitations"): Entry({"email": "someone@example.com", "role": "viewer"}),
    ("POST", f"{WS}/invitations/{{invitation_id}}/revoke"): Entry(),
    ("GET", f"{WS}/api-keys"): Entry(),
    ("POST", f"{WS}/api-keys"): Entry({"name": "k", "permissions": ["flows:read"]}),
    ("POST", f"{WS}/api-keys/{{key_id}}/revoke"): Entry(),
    ("GET", f"{WS}/flows"): Entry(),
    ("POST", f"{WS}/flows"): Entry({"name": "x"}),
    ("GET", f"{WS}/flows/{{flow_id}}"): Entry(),
    ("PUT", f"{WS}/flows/{{flow_id}}/draft"): Entry({"graph": GRAPH}),
    ("PATCH", f"{WS}/flows/{{flow_id}}"): Entry({"name": "renamed"}),
    ("POST", f"{WS}/flows/{{flow_id}}/validate"): Entry({}),
    ("POST", f"{WS}/flows/{{flow_id}}/publish"): Entry({}),
    ("POST", f"{WS}/flows/{{flow_id}}/archive"): Entry(),
    ("POST", f"{WS}/flows/{{flow_id}}/unarchive"): Entry(),
    ("POST", f"{WS}/flows/{{flow_id}}/duplicate"): Entry({"name": "copy"}),
    ("GET", f"{WS}/flows/{{flow_id}}/versions"): Entry(),
    ("GET", f"{WS}/flows/{{flow_id}}/versions/{{version}}"): Entry(),
    ("GET", f"{WS}/executions"): Entry(),
    ("GET", f"{WS}/executions/{{execution_id}}"): Entry(),
    ("GET", f"{WS}/executions/{{execution_id}}/timeline"): Entry(),
    ("GET", f"{WS}/executions/{{execution_id}}/replay"): Entry(),
    ("POST", f"{WS}/executions/{{execution_id}}/cancel"): Entry({}),
    ("POST", f"{WS}/executions/{{execution_id}}/move"): Entry({"node_id": "greet"}),
    ("POST", f"{WS}/executions/{{execution_id}}/release-handover"): Entry(),
    ("GET", f"{WS}/channels"): Entry(),
    ("POST", f"{WS}/channels/cloud-api"): Entry(
        {
            "phone_number_id": "1000000001",
            "business_account_id": "2000000001",
            "access_token": "not-a-real-token-0123456789",
            "app_secret": "not-a-real-secret-0123",
            "verify_token": "verify-0123",
        }
    ),
    ("POST", f"{WS}/channels/sandbox"): Entry({"channel_id": "matrix-sandbox"}),
    ("GET", f"{WS}/channels/{{channel_id}}"): Entry(),
    ("PATCH", f"{WS}/channels/{{channel_id}}"): Entry({"name": "renamed"}),
    ("POST", f"{WS}/channels/{{channel_id}}/disconnect"): Entry(),
    ("POST", f"{WS}/channels/{{channel_id}}/resume"): Entry(),
    ("GET", f"{WS}/channels/{{channel_id}}/health"): Entry(),
    ("POST", f"{WS}/channels/{{channel_id}}/sandbox/messages"): Entry(
        {"phone": "+15550001111", "text": "hello"}
    ),
    ("GET", f"{WS}/channels/{{channel_id}}/sandbox/conversations/{{phone}}"): Entry(),
    ("GET", f"{WS}/contacts"): Entry(),
    ("POST", f"{WS}/contacts"): Entry({"phone": "+14155550999", "name": "Matrix"}),
    ("POST", f"{WS}/contacts/search"): Entry({"search": "x"}),
    ("GET", f"{WS}/contacts/export.csv"): Entry(),
    ("GET", f"{WS}/contacts/{{contact_id}}"): Entry(),
    ("PATCH", f"{WS}/contacts/{{contact_id}}"): Entry({"name": "renamed"}),
    ("POST", f"{WS}/contacts/{{contact_id}}/tags"): Entry({"add": ["matrix"]}),
    ("PUT", f"{WS}/contacts/{{contact_id}}/stage"): Entry({"stage": "lead"}),
    ("POST", f"{WS}/contacts/{{contact_id}}/opt-in"): Entry({"source": "matrix"}),
    ("POST", f"{WS}/contacts/{{contact_id}}/opt-out"): Entry({}),
    ("DELETE", f"{WS}/contacts/{{contact_id}}/personal-data"): Entry(),
    ("GET", f"{WS}/contacts/{{contact_id}}/export"): Entry(),
    ("GET", f"{WS}/contacts/{{contact_id}}/timeline"): Entry(),
    ("GET", f"{WS}/fields"): Entry(),
    ("PUT", f"{WS}/fields/{{key}}"): Entry({"label": "Matrix", "type": "text"}),
    ("DELETE", f"{WS}/fields/{{key}}"): Entry(),
    ("GET", f"{WS}/consent-keywords"): Entry(),
    ("PUT", f"{WS}/consent-keywords"): Entry({"languages": ["en"]}),
    ("GET", f"{WS}/segments"): Entry(),
    ("POST", f"{WS}/segments"): Entry({"name": "Matrix", "filter": {}}),
    ("POST", f"{WS}/segments/preview"): Entry({"filter": {}}),
    ("GET", f"{WS}/segments/{{segment_id}}"): Entry(),
    ("PUT", f"{WS}/segments/{{segment_id}}"): Entry({"name": "Matrix", "filter": {}}),
    ("DELETE", f"{WS}/segments/{{segment_id}}"): Entry(),
    ("GET", f"{WS}/segments/{{segment_id}}/preview"): Entry(),
    # No body: an allowed role gets 415, any other caller is stopped before the body is read.
    ("POST", f"{WS}/imports"): Entry(params={"mapping": CSV_MAPPING}),
    ("GET", f"{WS}/imports"): Entry(),
    ("GET", f"{WS}/imports/{{import_id}}"): Entry(),
    ("GET", f"{WS}/imports/{{import_id}}/errors"): Entry(),
    ("GET", f"{WS}/campaigns"): Entry(),
    ("POST", f"{WS}/campaigns"): Entry({"definition": CAMPAIGN}),
    ("GET", f"{WS}/campaigns/{{campaign_id}}"): Entry(),
    ("PUT", f"{WS}/campaigns/{{campaign_id}}"): Entry({"definition": CAMPAIGN}),
    ("POST", f"{WS}/campaigns/{{campaign_id}}/dry-run"): Entry({}),
    ("POST", f"{WS}/campaigns/{{campaign_id}}/launch"): Entry(),
    ("POST", f"{WS}/campaigns/{{campaign_id}}/schedule"): Entry(
        {"send_at": "2099-01-01T09:00:00Z"}
    ),
    ("POST", f"{WS}/campaigns/{{campaign_id}}/pause"): Entry(),
    ("POST", f"{WS}/campaigns/{{campaign_id}}/resume"): Entry(),
    ("POST", f"{WS}/campaigns/{{campaign_id}}/cancel"): Entry(),
    ("GET", f"{WS}/dashboard"): Entry(params={"hours": 24}),
    ("GET", f"{WS}/billing"): Entry(),
    ("POST", f"{WS}/billing/checkout"): Entry({"plan": "starter"}),
    ("POST", f"{WS}/billing/portal"): Entry(),
    ("GET", f"{WS}/billing/invoices"): Entry(),
    ("GET", f"{WS}/knowledge-bases"): Entry(),
    ("POST", f"{WS}/knowledge-bases"): Entry({"name": "Matrix"}),
    ("POST", f"{WS}/knowledge-bases/ask"): Entry({"question": "Open on Sunday?"}),
    ("GET", f"{WS}/knowledge-bases/{{kb_id}}"): Entry(),
    ("PATCH", f"{WS}/knowledge-bases/{{kb_id}}"): Entry({"name": "renamed"}),
    ("DELETE", f"{WS}/knowledge-bases/{{kb_id}}"): Entry(),
    ("GET", f"{WS}/knowledge-bases/{{kb_id}}/documents"): Entry(),
    ("POST", f"{WS}/knowledge-bases/{{kb_id}}/documents"): Entry({"format": "text", "text": "M"}),
    # No body: the document is looked up first (404), then the body would be read.
    ("POST", f"{WS}/knowledge-bases/{{kb_id}}/documents/upload"): Entry(),
    ("GET", f"{WS}/knowledge-bases/{{kb_id}}/documents/{{doc_id}}"): Entry(),
    ("PUT", f"{WS}/knowledge-bases/{{kb_id}}/documents/{{doc_id}}"): Entry(
        {"format": "text", "text": "M"}
    ),
    ("PUT", f"{WS}/knowledge-bases/{{kb_id}}/documents/{{doc_id}}/upload"): Entry(),
    ("DELETE", f"{WS}/knowledge-bases/{{kb_id}}/documents/{{doc_id}}"): Entry(),
    ("GET", f"{WS}/lead-sources"): Entry(),
    ("GET", f"{WS}/lead-jobs"): Entry(),
    # Not configured here: an allowed role gets 422, and no job runs.
    ("POST", f"{WS}/lead-jobs"): Entry({"source": "google_places", "query": "bakery"}),
    ("GET", f"{WS}/lead-jobs/{{job_id}}"): Entry(),
    ("POST", f"{WS}/lead-jobs/{{job_id}}/cancel"): Entry(),
    ("POST", f"{WS}/leave"): Entry(),  # last: a role allowed to leave does leave
}
# Routes that name a resource by a key the caller chooses within their own workspace (a PUT
# that saves): A saving "B's" segment id in A's workspace saves A's own segment, which is not a
# leak. B's workspace is still refused (404), and B's resource is checked unchanged after.
OWN_NAMES = {("PUT", f"{WS}/segments/{{segment_id}}"), ("PUT", f"{WS}/fields/{{key}}")}
# Routes that name no workspace: the caller's own account, or public ones, with their guard.
NO_WORKSPACE: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/auth/signup"): "public",
    ("POST", "/api/v1/auth/login"): "public",
    ("POST", "/api/v1/auth/refresh"): "the refresh token itself",
    ("POST", "/api/v1/auth/logout"): "the caller's own session",
    ("GET", "/api/v1/me"): "the caller's own account",
    ("GET", "/api/v1/roles"): "any signed-in caller: the same table for everyone",
    ("GET", "/api/v1/plans"): "any signed-in caller: the same catalog for everyone",
    ("GET", "/api/v1/organizations"): "the caller's own memberships",
    ("POST", "/api/v1/organizations/{organization_id}/workspaces"): "checked by the use case",
    ("GET", "/api/v1/workspaces"): "the caller's own memberships",
    ("POST", "/api/v1/invitations/accept"): "the invitation token and the caller's e-mail",
    ("GET", "/webhooks/whatsapp"): "the verify token",
    ("GET", "/webhooks/whatsapp/{channel_id}"): "the verify token",
    ("POST", "/webhooks/whatsapp"): "X-Hub-Signature-256",
    ("POST", "/webhooks/whatsapp/{channel_id}"): "X-Hub-Signature-256",
    ("POST", "/webhooks/stripe"): "Stripe-Signature",
    ("WS", "/ws"): "each subscription names its workspace: test_live_console_isolation",
    ("GET", "/graphql"): "each field names its workspace: GRAPHQL_MATRIX",
    ("POST", "/graphql"): "each field names its workspace: GRAPHQL_MATRIX",
    ("WS", "/graphql"): "each subscription names its workspace: GRAPHQL_MATRIX",
}
NOBODY = {
    "flow_id": "flw_nobody",
    "version": "1",
    "execution_id": "x-nobody",
    "channel_id": "nobody",
    "phone": "+15550000000",
    "user_id": "usr_nobody",
    "invitation_id": "ivt_nobody",
    "key_id": "nobody00000000",
    "contact_id": "ct_nobody",
    "key": "nobody",
    "segment_id": "seg-nobody",
    "import_id": "imp-nobody",
    "campaign_id": "cmp_nobody",
    "kb_id": "kb-nobody",
    "doc_id": "doc-nobody",
    "job_id": "job-nobody",
}


def route_table() -> list[tuple[str, str, APIRoute | None]]:
    """(method, full path, route) of the real application, built over placeholders (only its
    table is read). WebSocket routes have the method "WS" and no APIRoute."""
    settings = GatewaySettings.model_validate(
        {"nats_url": "nats://127.0.0.1:1", "database_url": "postgresql://x@127.0.0.1/x"}
    )
    placeholder = SimpleNamespace(
        settings=settings, authenticator=SimpleNamespace(idempotency_scope=None)
    )
    app = create_api(cast(GatewayContext, placeholder), cast(Any, None))
    table: list[tuple[str, str, APIRoute | None]] = []
    for context in routing.iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute):
            table += [(m, str(context.path), route) for m in sorted(context.methods or ())]
        elif isinstance(route, APIWebSocketRoute):
            table.append(("WS", str(context.path), None))
    return table


ROUTES = [
    (m, path, route)
    for m, path, route in route_table()
    if path.startswith(("/api/v1", "/webhooks", "/ws", "/graphql"))
]


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_route_says_how_it_is_isolated() -> None:
    missing = [
        (method, path)
        for method, path, _ in ROUTES
        if (method, path) not in MATRIX and (method, path) not in NO_WORKSPACE
    ]
    assert not missing, f"routes without an isolation entry: {missing}"
    for method, path, route in ROUTES:
        needs = route_permission(route) if route else None
        if (method, path) in MATRIX:
            assert needs, f"{method} {path} names a workspace but requires no permission"
        else:
            assert needs is None, f"{method} {path} is not in MATRIX but checks {needs}"
    stale = set(MATRIX) - {(m, path) for m, path, _ in ROUTES}
    assert not stale, f"matrix entries for routes that do not exist: {stale}"


@dataclass
class Resources:
    """Workspace B's real resources, for A to try."""

    values: dict[str, str]


async def b_resources(api: httpx.AsyncClient, b: Account, unique: str) -> Resources:
    channel = f"b-{unique}"
    made = await api.post(b.path("/channels/sandbox"), json={"channel_id": channel}, headers=b.auth)
    assert made.status_code == 201, made.text
    flow = await api.post(b.path("/flows"), json={"name": "B", "graph": GRAPH}, headers=b.auth)
    flow_id = flow.json()["flow_id"]
    await api.post(b.path(f"/flows/{flow_id}/publish"), json={}, headers=b.auth)
    invited = await api.post(
        b.path("/invitations"), json={"email": "x@example.com", "role": "viewer"}, headers=b.auth
    )
    key = await api.post(
        b.path("/api-keys"), json={"name": "b", "permissions": ["flows:read"]}, headers=b.auth
    )
    phone = "+15550002222"

    found: list[str] = []

    async def executed() -> bool:
        page = (await api.get(b.path("/executions"), headers=b.auth)).json()
        found[:] = [str(item["execution_id"]) for item in page["items"]]
        if not found:
            await api.post(
                b.path(f"/channels/{channel}/sandbox/messages"),
                json={"phone": phone, "text": "isolation"},
                headers=b.auth,
            )
        return bool(found)

    await eventually(executed, timeout=30, interval=1.0)
    execution_id = found[0]
    crm = await b_crm_resources(api, b)
    knowledge_and_leads = await b_knowledge_and_lead_resources(api, b)
    return Resources(
        {
            "flow_id": flow_id,
            "version": "1",
            "execution_id": execution_id,
            "channel_id": channel,
            "phone": phone,
            "user_id": b.user_id,
            "invitation_id": invited.json()["invitation"]["id"],
            "key_id": key.json()["api_key"]["id"],
            **crm,
            **knowledge_and_leads,
        }
    )


async def b_crm_resources(api: httpx.AsyncClient, b: Account) -> dict[str, str]:
    """B's contact, custom field, segment, import and campaign."""
    field = await api.put(
        b.path("/fields/plan"), json={"label": "Plan", "type": "text"}, headers=b.auth
    )
    assert field.status_code == 200, field.text
    contact = await api.post(
        b.path("/contacts"), json={"phone": "+14155550888", "name": "Bea"}, headers=b.auth
    )
    assert contact.status_code == 201, contact.text
    segment = await api.post(
        b.path("/segments"), json={"name": "B's", "filter": {}}, headers=b.auth
    )
    assert segment.status_code == 201, segment.text
    upload = await api.post(
        b.path("/imports"),
        content=b"Phone\r\n+14155550887\r\n",
        params={"mapping": CSV_MAPPING},
        headers={**b.auth, "Content-Type": "text/csv"},
    )
    assert upload.status_code == 202, upload.text
    campaign = await api.post(b.path("/campaigns"), json={"definition": CAMPAIGN}, headers=b.auth)
    assert campaign.status_code == 201, campaign.text
    return {
        "contact_id": contact.json()["contact_id"],
        "key": "plan",
        "segment_id": segment.json()["segment"]["segment_id"],
        "import_id": upload.json()["job"]["import_id"],
        "campaign_id": campaign.json()["campaign_id"],
    }


async def b_knowledge_and_lead_resources(api: httpx.AsyncClient, b: Account) -> dict[str, str]:
    """B's knowledge base with a document, and a lead-capture job (over a closed local port:
    it fails at once, and its id stands)."""
    kb = await api.post(b.path("/knowledge-bases"), json={"name": "B's"}, headers=b.auth)
    assert kb.status_code == 201, kb.text
    kb_id = kb.json()["knowledge_base_id"]
    doc = await api.post(
        b.path(f"/knowledge-bases/{kb_id}/documents"),
        json={"format": "text", "text": "B's opening hours: 9 to 5."},
        headers=b.auth,
    )
    assert doc.status_code == 202, doc.text
    job = await api.post(
        b.path("/lead-jobs"),
        json={"source": "website", "query": f"http://127.0.0.1:{free_port()}/"},
        headers=b.auth,
    )
    assert job.status_code == 201, job.text
    return {
        "kb_id": kb_id,
        "doc_id": doc.json()["document_id"],
        "job_id": job.json()["job_id"],
    }


async def call(
    api: httpx.AsyncClient, method: str, path: str, entry: Entry, who: Account
) -> httpx.Response:
    return await api.request(method, path, json=entry.body, params=entry.params, headers=who.auth)


async def test_a_member_of_a_never_reaches_b(
    api: httpx.AsyncClient, account: NewAccount, unique: Any
) -> None:
    a, b = await account("a"), await account("b")
    theirs = await b_resources(api, b, unique("r").lower().replace("_", "-"))
    leaks = []
    for (method, path), entry in MATRIX.items():
        in_b = fill(path, {**theirs.values, "workspace_id": b.workspace_id})
        answer = await call(api, method, in_b, entry, a)
        if answer.status_code != 404:
            leaks.append((method, in_b, answer.status_code, answer.text[:200]))
        names_resource = "{" in path.removeprefix(WS) and (method, path) not in OWN_NAMES
        if names_resource:  # try B's id in A's own workspace
            in_a = fill(path, {**theirs.values, "workspace_id": a.workspace_id})
            answer = await call(api, method, in_a, entry, a)
            if answer.status_code != 404:
                leaks.append((method, in_a, answer.status_code, answer.text[:200]))
    assert not leaks, "\n".join(map(str, leaks))
    # B still has everything A tried to touch.
    kept = await api.get(b.path(f"/flows/{theirs.values['flow_id']}"), headers=b.auth)
    assert kept.json()["name"] == "B"
    segment = await api.get(b.path(f"/segments/{theirs.values['segment_id']}"), headers=b.auth)
    assert segment.json()["name"] == "B's"
    contact = await api.get(b.path(f"/contacts/{theirs.values['contact_id']}"), headers=b.auth)
    assert (contact.json()["name"], contact.json()["tags"]) == ("Bea", [])
    fields = (await api.get(b.path("/fields"), headers=b.auth)).json()["fields"]
    assert [(f["key"], f["label"]) for f in fields] == [("plan", "Plan")]
    kb = await api.get(b.path(f"/knowledge-bases/{theirs.values['kb_id']}"), headers=b.auth)
    assert kb.json()["name"] == "B's"
    doc = f"/knowledge-bases/{theirs.values['kb_id']}/documents/{theirs.values['doc_id']}"
    assert (await api.get(b.path(doc), headers=b.auth)).json()["document"]["revision"] == 1


@pytest.mark.parametrize("role", [r for r in ROLES if r != "owner"])
async def test_each_role_is_refused_exactly_what_it_may_not_do(
    api: httpx.AsyncClient, account: NewAccount, role: Any
) -> None:
    owner, member = await account("owner"), await account(role)
    invited = await api.post(
        owner.path("/invitations"), json={"email": member.email, "role": role}, headers=owner.auth
    )
    token = invited.json()["token"]
    joined = await api.post(
        "/api/v1/invitations/accept", json={"token": token}, headers=member.auth
    )
    assert joined.status_code == 200, joined.text
    wrong = []
    table = {(m, path): route_permission(r) for m, path, r in ROUTES if r}
    for (method, path), entry in MATRIX.items():
        permission = table[(method, path)]
        assert permission is not None
        target = fill(path, {**NOBODY, "workspace_id": owner.workspace_id})
        answer = await call(api, method, target, entry, member)
        allowed = can(role, permission)
        if (allowed and answer.status_code in (401, 403)) or (
            not allowed and answer.status_code != 403
        ):
            wrong.append((method, path, permission, answer.status_code, answer.text[:160]))
    assert not wrong, "\n".join(map(str, wrong))


async def test_an_api_key_acts_only_in_its_workspace_with_its_permissions(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    a, b = await account("a"), await account("b")
    made = await api.post(
        a.path("/api-keys"), json={"name": "ci", "permissions": ["flows:read"]}, headers=a.auth
    )
    key = {"Authorization": f"Bearer {made.json()['key']}"}
    assert (await api.get(a.path("/flows"), headers=key)).status_code == 200
    assert (await api.post(a.path("/flows"), json={"name": "x"}, headers=key)).status_code == 403
    assert (await api.get(b.path("/flows"), headers=key)).status_code == 404
    assert (await api.get(a.path("/members"), headers=key)).status_code == 403
    revoked = await api.post(
        a.path(f"/api-keys/{made.json()['api_key']['id']}/revoke"), headers=a.auth
    )
    assert revoked.status_code == 200
    refused = await api.get(a.path("/flows"), headers=key)
    assert refused.status_code == 401
    assert refused.json()["code"] == "TOKEN_REJECTED"


# -- GraphQL: every field of the schema, the same rule -------------------------------------------

# Each field's document, for workspace `$ws` and the ids of `RESOURCE_ARGS`; a field of the
# schema without one fails `test_every_graphql_field_has_an_isolation_entry`.
GRAPHQL_MATRIX: dict[str, str] = {
    "Query.flows": "{ flows(workspaceId: $ws) { __typename } }",
    "Query.flow": "{ flow(workspaceId: $ws, flowId: $flow) { __typename } }",
    "Query.flowVersions": "{ flowVersions(workspaceId: $ws, flowId: $flow) { __typename } }",
    "Query.flowVersion": (
        "{ flowVersion(workspaceId: $ws, flowId: $flow, version: 1) { __typename } }"
    ),
    "Query.executions": "{ executions(workspaceId: $ws) { __typename } }",
    "Query.execution": "{ execution(workspaceId: $ws, executionId: $execution) { __typename } }",
    "Query.executionTimeline": (
        "{ executionTimeline(workspaceId: $ws, executionId: $execution) { __typename } }"
    ),
    "Query.channels": "{ channels(workspaceId: $ws) { __typename } }",
    "Query.channel": "{ channel(workspaceId: $ws, channelId: $channel) { __typename } }",
    "Query.numberHealth": "{ numberHealth(workspaceId: $ws, channelId: $channel) { __typename } }",
    "Query.sandboxConversation": (
        "{ sandboxConversation(workspaceId: $ws, channelId: $channel, phone: $phone)"
        " { __typename } }"
    ),
    "Mutation.createFlow": 'mutation { createFlow(workspaceId: $ws, name: "x") { __typename } }',
    "Mutation.updateFlowDraft": (
        "mutation { updateFlowDraft(workspaceId: $ws, flowId: $flow, graph: {}) { __typename } }"
    ),
    "Mutation.renameFlow": (
        'mutation { renameFlow(workspaceId: $ws, flowId: $flow, name: "y") { __typename } }'
    ),
    "Mutation.publishFlow": (
        "mutation { publishFlow(workspaceId: $ws, flowId: $flow) { __typename } }"
    ),
    "Mutation.archiveFlow": (
        "mutation { archiveFlow(workspaceId: $ws, flowId: $flow) { __typename } }"
    ),
    "Mutation.unarchiveFlow": (
        "mutation { unarchiveFlow(workspaceId: $ws, flowId: $flow) { __typename } }"
    ),
    "Mutation.duplicateFlow": (
        'mutation { duplicateFlow(workspaceId: $ws, flowId: $flow, name: "z") { __typename } }'
    ),
    "Mutation.validateFlow": (
        "mutation { validateFlow(workspaceId: $ws, flowId: $flow) { __typename } }"
    ),
    "Mutation.cancelExecution": (
        "mutation { cancelExecution(workspaceId: $ws, executionId: $execution) { __typename } }"
    ),
    "Mutation.moveExecution": (
        'mutation { moveExecution(workspaceId: $ws, executionId: $execution, nodeId: "greet")'
        " { __typename } }"
    ),
    "Mutation.releaseHandover": (
        "mutation { releaseHandover(workspaceId: $ws, executionId: $execution) { __typename } }"
    ),
    "Mutation.createSandbox": (
        'mutation { createSandbox(workspaceId: $ws, channelId: "matrix-gql") { __typename } }'
    ),
    "Mutation.sandboxSend": (
        "mutation { sandboxSend(workspaceId: $ws, channelId: $channel, phone: $phone,"
        ' text: "hello") { __typename } }'
    ),
    "Query.contacts": "{ contacts(workspaceId: $ws) { __typename } }",
    "Query.contact": "{ contact(workspaceId: $ws, contactId: $contact) { __typename } }",
    "Query.contactTimeline": (
        "{ contactTimeline(workspaceId: $ws, contactId: $contact) { __typename } }"
    ),
    "Query.segments": "{ segments(workspaceId: $ws) { __typename } }",
    "Query.segment": "{ segment(workspaceId: $ws, segmentId: $segment) { __typename } }",
    "Query.segmentPreview": (
        "{ segmentPreview(workspaceId: $ws, segmentId: $segment) { __typename } }"
    ),
    "Query.imports": "{ imports(workspaceId: $ws) { __typename } }",
    "Query.importJob": "{ importJob(workspaceId: $ws, importId: $import) { __typename } }",
    "Query.importErrors": "{ importErrors(workspaceId: $ws, importId: $import) { __typename } }",
    "Query.campaigns": "{ campaigns(workspaceId: $ws) { __typename } }",
    "Query.campaign": "{ campaign(workspaceId: $ws, campaignId: $campaign) { __typename } }",
    "Query.campaignDryRun": (
        "{ campaignDryRun(workspaceId: $ws, campaignId: $campaign) { __typename } }"
    ),
    "Mutation.createContact": (
        'mutation { createContact(workspaceId: $ws, phone: "+14155550777") { __typename } }'
    ),
    "Mutation.updateContact": (
        'mutation { updateContact(workspaceId: $ws, contactId: $contact, name: "x")'
        " { __typename } }"
    ),
    "Mutation.tagContact": (
        'mutation { tagContact(workspaceId: $ws, contactId: $contact, add: ["x"]) { __typename } }'
    ),
    "Mutation.setContactStage": (
        'mutation { setContactStage(workspaceId: $ws, contactId: $contact, stage: "lead")'
        " { __typename } }"
    ),
    "Mutation.optInContact": (
        'mutation { optInContact(workspaceId: $ws, contactId: $contact, source: "x")'
        " { __typename } }"
    ),
    "Mutation.optOutContact": (
        "mutation { optOutContact(workspaceId: $ws, contactId: $contact) { __typename } }"
    ),
    "Mutation.eraseContact": (
        "mutation { eraseContact(workspaceId: $ws, contactId: $contact) { __typename } }"
    ),
    "Mutation.saveSegment": (
        'mutation { saveSegment(workspaceId: $ws, segmentId: $segment, name: "x", filter: {})'
        " { __typename } }"
    ),
    "Mutation.deleteSegment": (
        "mutation { deleteSegment(workspaceId: $ws, segmentId: $segment) { __typename } }"
    ),
    "Mutation.createCampaign": (
        'mutation { createCampaign(workspaceId: $ws, definition: {name: "x", kind: "template",'
        ' filter: {}, template: {kind: "template", name: "promo"}}) { __typename } }'
    ),
    "Mutation.updateCampaign": (
        "mutation { updateCampaign(workspaceId: $ws, campaignId: $campaign,"
        ' definition: {name: "x", kind: "template", filter: {},'
        ' template: {kind: "template", name: "promo"}}) { __typename } }'
    ),
    "Mutation.launchCampaign": (
        "mutation { launchCampaign(workspaceId: $ws, campaignId: $campaign) { __typename } }"
    ),
    "Mutation.scheduleCampaign": (
        "mutation { scheduleCampaign(workspaceId: $ws, campaignId: $campaign,"
        ' sendAt: "2099-01-01T09:00:00Z") { __typename } }'
    ),
    "Mutation.pauseCampaign": (
        "mutation { pauseCampaign(workspaceId: $ws, campaignId: $campaign) { __typename } }"
    ),
    "Mutation.resumeCampaign": (
        "mutation { resumeCampaign(workspaceId: $ws, campaignId: $campaign) { __typename } }"
    ),
    "Mutation.cancelCampaign": (
        "mutation { cancelCampaign(workspaceId: $ws, campaignId: $campaign) { __typename } }"
    ),
    "Query.billing": "{ billing(workspaceId: $ws) { __typename } }",
    "Subscription.executionEvents": "",  # over WebSocket: test_graphql_subscriptions_are_isolated
}
# As OWN_NAMES over REST: saving "B's" segment id in A's own workspace saves A's segment.
GRAPHQL_OWN_NAMES = {"Mutation.saveSegment"}
# Fields outside any workspace: the caller's own account.
GRAPHQL_NO_WORKSPACE = {"Query.me", "Query.plans"}
RESOURCE_ARGS = {
    "$flow": "flow_id",
    "$execution": "execution_id",
    "$channel": "channel_id",
    "$phone": "phone",
    "$contact": "contact_id",
    "$segment": "segment_id",
    "$import": "import_id",
    "$campaign": "campaign_id",
}


def graphql_document(template: str, workspace_id: str, ids: dict[str, str]) -> str:
    document = template.replace("$ws", json.dumps(workspace_id))
    for placeholder, key in RESOURCE_ARGS.items():
        document = document.replace(placeholder, json.dumps(ids[key]))
    return document


def test_every_graphql_field_has_an_isolation_entry() -> None:
    assert set(FIELD_PERMISSIONS) == set(GRAPHQL_MATRIX) | GRAPHQL_NO_WORKSPACE


async def test_over_graphql_a_member_of_a_never_reaches_b(
    api: httpx.AsyncClient, account: NewAccount, unique: Any
) -> None:
    a, b = await account("a"), await account("b")
    theirs = (await b_resources(api, b, unique("g").lower().replace("_", "-"))).values
    leaks = []
    for field_name, template in GRAPHQL_MATRIX.items():
        if not template:
            continue
        attempts = [graphql_document(template, b.workspace_id, theirs)]
        if any(p in template for p in RESOURCE_ARGS) and field_name not in GRAPHQL_OWN_NAMES:
            attempts.append(graphql_document(template, a.workspace_id, theirs))
        for document in attempts:
            answer = (await api.post("/graphql", json={"query": document}, headers=a.auth)).json()
            statuses = [e.get("extensions", {}).get("status") for e in answer.get("errors", [])]
            if statuses != [404]:
                leaks.append((field_name, document, answer))
    assert not leaks, "\n".join(map(str, leaks))


async def test_graphql_subscriptions_are_isolated(system: System, account: NewAccount) -> None:
    a, b = await account("a"), await account("b")
    url = system.api_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {a.token}"}}
            )
        )
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        workspace = json.dumps(b.workspace_id)
        query = f"subscription {{ executionEvents(workspaceId: {workspace}) {{ seq }} }}"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert refused["type"] == "error", refused
    assert refused["payload"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_live_console_isolation(system: System, account: NewAccount) -> None:
    a, b = await account("a"), await account("b")
    url = system.api_url.replace("http://", "ws://") + f"/ws?access_token={a.token}"
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"type": "subscribe", "id": "x", "workspace_id": b.workspace_id}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert refused["type"] == "error"
    assert refused["code"] == "NOT_FOUND"
