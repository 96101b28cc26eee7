"""Tenant isolation and roles, for every route of the REST API, generated from the route table.

Each route is in `MATRIX` (a route naming a workspace: a body it accepts) or in `NO_WORKSPACE`
(a route of the signed-in user or of the public): a route in neither fails the first test, so a
new route cannot ship without saying how it is isolated. Then, for every workspace route:
- a member of workspace A asking for workspace B's resources gets 404, whether A names B's
  workspace or names B's resource ids inside A's own workspace;
- each role gets 403 exactly where its permissions lack the route's, and never otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest
from fastapi import routing
from fastapi.routing import APIRoute, APIWebSocketRoute

from parley.gateway.api.access import route_permission
from parley.gateway.api.app import create_api
from parley.gateway.api.context import GatewayContext
from parley.gateway.domain.roles import ROLES, can
from parley.gateway.settings import GatewaySettings
from parley.runtime.testing.plugin import eventually

from .conftest import Account, NewAccount

WS = "/api/v1/workspaces/{workspace_id}"
GRAPH = {
    "entry": "greet",
    "nodes": [
        {"id": "greet", "type": "send_message", "message": {"kind": "text", "body": "Hi!"}},
    ],
    "edges": [],
    "triggers": [{"kind": "keyword", "keywords": ["isolation"]}],
}


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
    ("POST", f"{WS}/leave"): Entry(),  # last: a role allowed to leave does leave
}
# Routes that name no workspace: the caller's own account, or public ones, with their guard.
NO_WORKSPACE: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/auth/signup"): "public",
    ("POST", "/api/v1/auth/login"): "public",
    ("POST", "/api/v1/auth/refresh"): "the refresh token itself",
    ("POST", "/api/v1/auth/logout"): "the caller's own session",
    ("GET", "/api/v1/me"): "the caller's own account",
    ("GET", "/api/v1/organizations"): "the caller's own memberships",
    ("POST", "/api/v1/organizations/{organization_id}/workspaces"): "checked by the use case",
    ("GET", "/api/v1/workspaces"): "the caller's own memberships",
    ("POST", "/api/v1/invitations/accept"): "the invitation token and the caller's e-mail",
    ("GET", "/webhooks/whatsapp"): "the verify token",
    ("GET", "/webhooks/whatsapp/{channel_id}"): "the verify token",
    ("POST", "/webhooks/whatsapp"): "X-Hub-Signature-256",
    ("POST", "/webhooks/whatsapp/{channel_id}"): "X-Hub-Signature-256",
    ("POST", "/webhooks/stripe"): "Stripe-Signature",
    ("WS", "/ws"): "each subscription names its workspace (test_live_console_isolation)",
    ("GET", "/graphql"): "each field names its workspace (test_graphql_isolation)",
    ("POST", "/graphql"): "each field names its workspace (test_graphql_isolation)",
    ("WS", "/graphql"): "each subscription names its workspace (test_graphql_isolation)",
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
        }
    )


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
        if "{" in path.removeprefix(WS):  # names a resource: try B's id in A's own workspace
            in_a = fill(path, {**theirs.values, "workspace_id": a.workspace_id})
            answer = await call(api, method, in_a, entry, a)
            if answer.status_code != 404:
                leaks.append((method, in_a, answer.status_code, answer.text[:200]))
    assert not leaks, "\n".join(map(str, leaks))
    # B still has everything A tried to touch.
    kept = await api.get(b.path(f"/flows/{theirs.values['flow_id']}"), headers=b.auth)
    assert kept.json()["name"] == "B"


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
