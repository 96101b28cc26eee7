"""The GraphQL API over the ASGI app, against the real flow-engine and messaging services on the
embedded NATS and PostgreSQL; only the authenticator is a fake (of our own port): tokens map to
callers, and callers to their role in each workspace.

Covered: every field declares the permission of its REST route; flows through mutations and
back through queries; the sandbox, executions and timelines; NOT_FOUND, FORBIDDEN,
INVALID_REQUEST, SERVICE_UNAVAILABLE and masked INTERNAL errors; live execution events over
graphql-transport-ws (authenticated at `connection_init`, resumed with `since`, freed on stop).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from nats.aio.client import Client as NatsClient
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot, ExecutionStarted, NodeEntered
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Event
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.app import build as build_flow_engine
from parley.flow_engine.settings import FlowEngineSettings
from parley.gateway.adapters.services import Services
from parley.gateway.api.access import Caller, route_permission
from parley.gateway.api.app import API_PREFIX
from parley.gateway.api.context import GatewayContext
from parley.gateway.api.problems import Problem
from parley.gateway.api.routes import channels, executions, flows
from parley.gateway.application.channels import Channels
from parley.gateway.application.executions import Executions
from parley.gateway.application.flows import Flows
from parley.gateway.application.services import IdentityServices
from parley.gateway.domain.roles import Role, permissions_of
from parley.gateway.graphql import FIELD_PERMISSIONS, SIGNED_IN, graphql_router
from parley.gateway.graphql.errors import INTERNAL_MESSAGE
from parley.gateway.http_server import HttpServer
from parley.gateway.live import LiveHub
from parley.gateway.live.testing import own_nats, running_feed
from parley.gateway.settings import GatewaySettings
from parley.messaging.app import build as build_messaging
from parley.messaging.settings import MessagingSettings
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, phone_number_id
from parley.runtime.embedded import free_port
from parley.runtime.eventstore import EventStore
from parley.runtime.quotas import Quotas
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

from .conftest import SignUp
from .test_billing_api import BILLING_REST
from .test_crm_api import GRAPHQL_REST

GRAPH: dict[str, Any] = {
    "entry": "greet",
    "nodes": [
        {"id": "greet", "type": "send_message", "message": {"kind": "text", "body": "Hi!"}},
        {"id": "bye", "type": "end"},
    ],
    "edges": [{"source": "greet", "port": "next", "target": "bye"}],
    "triggers": [{"kind": "keyword", "keywords": ["hello"]}],
}
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
WS_PROTOCOL = [Subprotocol("graphql-transport-ws")]


# -- the services, real, in this process (the fixtures of their own test suites, copied) -------


async def _run(service: Service) -> AsyncIterator[Service]:
    task = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    yield service
    service.stop()
    await asyncio.wait_for(task, 15)


@pytest.fixture(scope="module")
async def flow_engine(nats_url: str, database_url: str) -> AsyncIterator[Service]:
    settings = FlowEngineSettings(
        nats_url=nats_url, database_url=database_url, health_port=free_port()
    )
    async for service in _run(build_flow_engine(settings)):
        yield service


@pytest.fixture(scope="module")
async def messaging(nats_url: str, database_url: str) -> AsyncIterator[Service]:
    number = phone_number_id()
    fake = FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        display_phone_number="1555" + number[-7:],
        messages_per_second=None,
        pair_burst=None,
    )
    async with fake:
        settings = MessagingSettings(
            nats_url=nats_url,
            database_url=database_url,
            health_port=free_port(),
            whatsapp_api_base_url=fake.base_url,
        )
        async for service in _run(build_messaging(settings)):
            yield service


# -- the gateway's side: a fake authenticator, the context, the app ----------------------------


@dataclass
class FakeAuthenticator:
    """Tokens to callers, and (caller, workspace) to a role; `broken` workspaces raise."""

    callers: dict[str, Caller] = field(default_factory=dict)
    roles: dict[tuple[str, str], Role] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)

    def user(self, token: str, user_id: str, roles: dict[str, Role] | None = None) -> str:
        self.callers[token] = Caller("user", user_id)
        for workspace_id, role in (roles or {}).items():
            self.roles[(user_id, workspace_id)] = role
        return token

    async def caller(self, token: str) -> Caller:
        if token not in self.callers:
            raise Problem(401, "TOKEN_REJECTED", "unknown token")
        return self.callers[token]

    async def access(
        self, caller: Caller, workspace_id: str
    ) -> tuple[str | None, frozenset[str]] | None:
        if workspace_id in self.broken:
            raise RuntimeError("secret internals of a broken store")
        if caller.kind == "api_key":
            return (
                (None, caller.key_permissions) if caller.key_workspace_id == workspace_id else None
            )
        role = self.roles.get((caller.subject, workspace_id))
        return None if role is None else (role, permissions_of(role))

    async def idempotency_scope(self, authorization: str) -> str:
        return authorization


@dataclass
class Gateway:
    context: GatewayContext
    auth: FakeAuthenticator
    client: httpx.AsyncClient
    app: FastAPI

    async def ask(self, query: str, token: str | None = "ana", **variables: Any) -> dict[str, Any]:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        answer = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def data(self, query: str, token: str = "ana", **variables: Any) -> dict[str, Any]:
        body = await self.ask(query, token, **variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def error(self, query: str, token: str | None = "ana", **variables: Any) -> Any:
        body = await self.ask(query, token, **variables)
        assert len(body.get("errors") or []) == 1, body
        return body["errors"][0]


def gateway_context(
    nc: NatsClient,
    settings: GatewaySettings,
    auth: FakeAuthenticator,
    ids: IdentityServices,
    *,
    timeout: float = 5.0,
    hub: LiveHub | None = None,
) -> GatewayContext:
    services = Services(nc, timeout=timeout)
    return GatewayContext(
        settings=settings,
        nc=nc,
        services=services,
        authenticator=auth,
        identity=ids,
        flows=Flows(services),
        executions=Executions(services),
        channels=Channels(services),
        hub=hub or LiveHub(),
        quotas=Quotas(nc),
    )


def graphql_app(context: GatewayContext) -> FastAPI:
    app = FastAPI()
    app.state.context = context
    app.include_router(graphql_router(context), prefix="/graphql")
    return app


@pytest.fixture
def settings(nats_url: str, database_url: str) -> GatewaySettings:
    return GatewaySettings(nats_url=nats_url, database_url=database_url, health_port=free_port())


@pytest.fixture
def workspaces(unique: Callable[[str], str]) -> tuple[str, str]:
    return unique("ws-a"), unique("ws-b")


@pytest.fixture
async def gateway(
    nc: NatsClient,
    settings: GatewaySettings,
    ids: IdentityServices,
    workspaces: tuple[str, str],
) -> AsyncIterator[Gateway]:
    """Ana owns workspace A; Vic views it; Bob owns workspace B."""
    a, b = workspaces
    auth = FakeAuthenticator()
    auth.user("ana", "usr_ana", {a: "owner"})
    auth.user("vic", "usr_vic", {a: "viewer"})
    auth.user("bob", "usr_bob", {b: "owner"})
    context = gateway_context(nc, settings, auth, ids)
    app = graphql_app(context)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield Gateway(context, auth, client, app)


async def flow_events(nc: NatsClient, workspace_id: str, execution_id: str, *events: Event) -> int:
    """Append one decision's events to the FLOW_ENGINE stream, as the engine does; its seq."""
    store = EventStore(nc, FLOW_ENGINE.name)
    envelopes = [Envelope.wrap(e, workspace_id=workspace_id) for e in events]
    subject = event_subject("exec", workspace_id, execution_id)
    return (await store.append(subject, envelopes, None)).last_sequence


def started(execution_id: str) -> ExecutionStarted:
    return ExecutionStarted(
        execution_id=execution_id,
        flow_id="welcome",
        flow_version=1,
        graph=FlowGraph.model_validate(GRAPH),
        contact=ContactSnapshot(contact_id="c1", name="Ada"),
        trigger="api",
        at=T0,
    )


# -- the schema ------------------------------------------------------------------------------

W = "/workspaces/{workspace_id}"
REST_ROUTES: dict[str, tuple[str, str]] = {
    "Query.flows": ("GET", f"{W}/flows"),
    "Query.flow": ("GET", f"{W}/flows/{{flow_id}}"),
    "Query.flowVersions": ("GET", f"{W}/flows/{{flow_id}}/versions"),
    "Query.flowVersion": ("GET", f"{W}/flows/{{flow_id}}/versions/{{version}}"),
    "Query.executions": ("GET", f"{W}/executions"),
    "Query.execution": ("GET", f"{W}/executions/{{execution_id}}"),
    "Query.executionTimeline": ("GET", f"{W}/executions/{{execution_id}}/replay"),
    "Query.channels": ("GET", f"{W}/channels"),
    "Query.channel": ("GET", f"{W}/channels/{{channel_id}}"),
    "Query.numberHealth": ("GET", f"{W}/channels/{{channel_id}}/health"),
    "Query.sandboxConversation": (
        "GET",
        f"{W}/channels/{{channel_id}}/sandbox/conversations/{{phone}}",
    ),
    "Mutation.createFlow": ("POST", f"{W}/flows"),
    "Mutation.updateFlowDraft": ("PUT", f"{W}/flows/{{flow_id}}/draft"),
    "Mutation.renameFlow": ("PATCH", f"{W}/flows/{{flow_id}}"),
    "Mutation.publishFlow": ("POST", f"{W}/flows/{{flow_id}}/publish"),
    "Mutation.archiveFlow": ("POST", f"{W}/flows/{{flow_id}}/archive"),
    "Mutation.unarchiveFlow": ("POST", f"{W}/flows/{{flow_id}}/unarchive"),
    "Mutation.duplicateFlow": ("POST", f"{W}/flows/{{flow_id}}/duplicate"),
    "Mutation.validateFlow": ("POST", f"{W}/flows/{{flow_id}}/validate"),
    "Mutation.cancelExecution": ("POST", f"{W}/executions/{{execution_id}}/cancel"),
    "Mutation.moveExecution": ("POST", f"{W}/executions/{{execution_id}}/move"),
    "Mutation.releaseHandover": ("POST", f"{W}/executions/{{execution_id}}/release-handover"),
    "Mutation.createSandbox": ("POST", f"{W}/channels/sandbox"),
    "Mutation.sandboxSend": ("POST", f"{W}/channels/{{channel_id}}/sandbox/messages"),
}
INTROSPECTION = """{ __schema {
    queryType { name fields { name } }
    mutationType { name fields { name } }
    subscriptionType { name fields { name } }
} }"""


async def test_every_field_declares_the_permission_of_its_rest_route(gateway: Gateway) -> None:
    schema = (await gateway.data(INTROSPECTION, token="nobody"))["__schema"]
    fields = {
        f"{kind['name']}.{f['name']}"
        for kind in (schema["queryType"], schema["mutationType"], schema["subscriptionType"])
        for f in kind["fields"]
    }
    assert fields == set(FIELD_PERMISSIONS)

    routes = {
        (method, route.path): route
        for module in (flows, executions, channels)
        for route in module.router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    for name, (method, path) in REST_ROUTES.items():
        assert FIELD_PERMISSIONS[name] == route_permission(routes[(method, path)]), name
    assert FIELD_PERMISSIONS["Query.me"] == SIGNED_IN  # REST's /me: any signed-in user
    assert FIELD_PERMISSIONS["Query.plans"] == SIGNED_IN  # REST's /plans: the same
    assert FIELD_PERMISSIONS["Subscription.executionEvents"] == "executions:read"  # as /ws
    # The crm and campaign fields are checked against their routes in test_crm_api.
    expected = {
        *REST_ROUTES,
        *GRAPHQL_REST,
        *BILLING_REST,
        "Query.me",
        "Query.plans",
        "Subscription.executionEvents",
    }
    assert set(FIELD_PERMISSIONS) == expected
    assert API_PREFIX == "/api/v1"  # the REST paths above are under it


# -- flows -----------------------------------------------------------------------------------

CREATE = """mutation($ws: ID!, $name: String!, $graph: JSON, $flowId: ID) {
  createFlow(workspaceId: $ws, name: $name, graph: $graph, flowId: $flowId) {
    ok flowId latestVersion events problems { nodeId field rule severity }
  }
}"""
PUBLISH = """mutation($ws: ID!, $flow: ID!) {
  publishFlow(workspaceId: $ws, flowId: $flow, note: "first") { ok latestVersion events }
}"""
FLOWS = """query($ws: ID!, $archived: Boolean) {
  flows(workspaceId: $ws, archived: $archived) {
    items { flowId name latestVersion archived hasUnpublishedChanges } nextCursor
  }
}"""


async def test_a_flow_created_and_published_by_mutations_reads_back_by_queries(
    gateway: Gateway, flow_engine: Service, workspaces: tuple[str, str]
) -> None:
    ws, _ = workspaces
    created = (await gateway.data(CREATE, ws=ws, name="Welcome", graph=GRAPH))["createFlow"]
    assert created["ok"] is True
    assert created["events"] == ["flow.FlowCreated"]
    flow_id = created["flowId"]
    assert flow_id.startswith("flw_")
    published = (await gateway.data(PUBLISH, ws=ws, flow=flow_id))["publishFlow"]
    assert published["ok"] is True
    assert published["latestVersion"] == 1

    async def listed() -> bool:
        page = (await gateway.data(FLOWS, ws=ws))["flows"]
        return [f["latestVersion"] for f in page["items"]] == [1]

    await eventually(listed, timeout=10)
    detail = await gateway.data(
        """query($ws: ID!, $flow: ID!) {
          flow(workspaceId: $ws, flowId: $flow) { flowId name draft hasUnpublishedChanges }
          flowVersions(workspaceId: $ws, flowId: $flow) { items { version note } nextCursor }
          flowVersion(workspaceId: $ws, flowId: $flow, version: 1) { version graph }
        }""",
        ws=ws,
        flow=flow_id,
    )
    assert detail["flow"]["name"] == "Welcome"
    assert detail["flow"]["draft"]["nodes"][0]["message"]["body"] == "Hi!"
    assert detail["flow"]["hasUnpublishedChanges"] is False
    assert detail["flowVersions"] == {
        "items": [{"version": 1, "note": "first"}],
        "nextCursor": None,
    }
    assert detail["flowVersion"]["graph"]["entry"] == "greet"

    renamed = await gateway.data(
        """mutation($ws: ID!, $flow: ID!) {
          renameFlow(workspaceId: $ws, flowId: $flow, name: "Hello") { ok }
          archiveFlow(workspaceId: $ws, flowId: $flow) { ok events }
        }""",
        ws=ws,
        flow=flow_id,
    )
    assert renamed["archiveFlow"] == {"ok": True, "events": ["flow.FlowArchived"]}

    async def archived() -> bool:
        page = (await gateway.data(FLOWS, ws=ws, archived=True))["flows"]
        return [(f["name"], f["archived"]) for f in page["items"]] == [("Hello", True)]

    await eventually(archived, timeout=10)
    missing = await gateway.error(
        'query($ws: ID!) { flowVersion(workspaceId: $ws, flowId: "nope", version: 1) { version } }',
        ws=ws,
    )
    assert missing["extensions"]["code"] == "NOT_FOUND"
    assert missing["path"] == ["flowVersion"]


async def test_an_invalid_graph_is_refused_naming_each_field_and_rule(
    gateway: Gateway, flow_engine: Service, workspaces: tuple[str, str]
) -> None:
    ws, _ = workspaces
    unknown_node = {**GRAPH, "nodes": [{"id": "greet", "type": "teleport"}]}
    refused = await gateway.error(CREATE, ws=ws, name="", graph=unknown_node, flowId="bad id!")
    assert refused["extensions"]["code"] == "INVALID_REQUEST"
    assert refused["extensions"]["status"] == 422
    fields = [e["field"] for e in refused["extensions"]["errors"]]
    assert "flowId" in fields
    assert "name" in fields
    assert any(f.startswith("graph.nodes.0") for f in fields), fields
    assert all(e["rule"] for e in refused["extensions"]["errors"])

    # Well formed but broken: the flow-engine names each node, field and rule.
    broken = {**GRAPH, "edges": [{"source": "greet", "port": "next", "target": "nowhere"}]}
    created = (await gateway.data(CREATE, ws=ws, name="Broken", graph=broken))["createFlow"]
    flow_id = created["flowId"]
    validated = await gateway.data(
        """mutation($ws: ID!, $flow: ID!) {
          validateFlow(workspaceId: $ws, flowId: $flow) { ok code problems { nodeId field rule } }
        }""",
        ws=ws,
        flow=flow_id,
    )
    assert validated["validateFlow"]["ok"] is False
    assert validated["validateFlow"]["code"] == "FLOW_INVALID"
    assert {"nodeId": "greet", "field": "edges[0]"}.items() <= validated["validateFlow"][
        "problems"
    ][0].items()
    unpublishable = await gateway.error(PUBLISH, ws=ws, flow=flow_id)
    assert unpublishable["extensions"]["code"] == "FLOW_INVALID"
    assert unpublishable["extensions"]["errors"][0] == {
        "field": "nodes.greet.edges[0]",
        "rule": "dangling edge: target node 'nowhere' does not exist",
    }
    draft = await gateway.error(
        """mutation($ws: ID!, $flow: ID!) {
          updateFlowDraft(workspaceId: $ws, flowId: $flow, graph: {entry: 3}) { ok }
        }""",
        ws=ws,
        flow=flow_id,
    )
    assert draft["extensions"]["code"] == "INVALID_REQUEST"
    assert draft["extensions"]["errors"][0]["field"] == "graph.entry"


# -- who may do what -------------------------------------------------------------------------


async def test_a_workspace_the_caller_is_not_in_is_not_found(
    gateway: Gateway, flow_engine: Service, workspaces: tuple[str, str]
) -> None:
    _, theirs = workspaces
    for query, variables in ((FLOWS, {}), (CREATE, {"name": "x"})):
        hidden = await gateway.error(query, ws=theirs, **variables)
        assert hidden["message"] == f"workspace {theirs!r} not found"
        assert hidden["extensions"] == {"code": "NOT_FOUND", "status": 404, "errors": []}
    never_seen = await gateway.error(FLOWS, ws="ws-that-does-not-exist")
    assert never_seen["extensions"]["code"] == "NOT_FOUND"  # the same answer: nothing confirmed


async def test_a_member_without_the_permission_is_forbidden_naming_it(
    gateway: Gateway, flow_engine: Service, workspaces: tuple[str, str]
) -> None:
    ws, _ = workspaces
    assert "flows" in await gateway.data(FLOWS, token="vic", ws=ws)  # a viewer reads
    refused = await gateway.error(CREATE, token="vic", ws=ws, name="Mine")
    assert refused["extensions"] == {"code": "FORBIDDEN", "status": 403, "errors": []}
    assert "'flows:write'" in refused["message"]
    assert "'viewer'" in refused["message"]
    cancel = await gateway.error(
        'mutation($ws: ID!) { cancelExecution(workspaceId: $ws, executionId: "e1") { accepted } }',
        token="vic",
        ws=ws,
    )
    assert "'executions:operate'" in cancel["message"]


async def test_a_caller_is_authenticated_by_the_bearer_header(
    gateway: Gateway, workspaces: tuple[str, str]
) -> None:
    ws, _ = workspaces
    anonymous = await gateway.error(FLOWS, token=None, ws=ws)
    assert anonymous["extensions"]["code"] == "NOT_AUTHENTICATED"
    assert anonymous["extensions"]["status"] == 401
    forged = await gateway.error(FLOWS, token="forged", ws=ws)
    assert forged["extensions"]["code"] == "TOKEN_REJECTED"
    malformed = await gateway.error(FLOWS, ws="no spaces allowed")
    assert malformed["extensions"]["code"] == "INVALID_REQUEST"
    assert malformed["extensions"]["errors"][0]["field"] == "workspaceId"


async def test_me_is_the_signed_in_user_with_their_memberships(
    gateway: Gateway, sign_up: SignUp
) -> None:
    ana = await sign_up("ana")
    gateway.auth.user("real-ana", ana.user.id)
    me = (
        await gateway.data(
            "{ me { user { id email } memberships { workspaceId role permissions } } }",
            token="real-ana",
        )
    )["me"]
    assert me["user"] == {"id": ana.user.id, "email": ana.user.email}
    assert me["memberships"] == [
        {
            "workspaceId": ana.workspace.id,
            "role": "owner",
            "permissions": sorted(permissions_of("owner")),
        }
    ]
    gateway.auth.callers["key"] = Caller("api_key", "key_1", key_workspace_id=ana.workspace.id)
    refused = await gateway.error("{ me { user { id } } }", token="key")
    assert refused["extensions"]["code"] == "FORBIDDEN"


# -- failures --------------------------------------------------------------------------------


async def test_a_flow_engine_that_does_not_answer_is_service_unavailable(
    gateway: Gateway,
    settings: GatewaySettings,
    ids: IdentityServices,
    tmp_path: Path,
    workspaces: tuple[str, str],
) -> None:
    ws, _ = workspaces
    async with own_nats(tmp_path / "nats") as lonely:  # no flow-engine anywhere on it
        context = gateway_context(lonely, settings, gateway.auth, ids, timeout=0.5)
        transport = httpx.ASGITransport(app=graphql_app(context))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            alone = Gateway(context, gateway.auth, client, gateway.app)
            down = await alone.error(FLOWS, ws=ws)
            changing = await alone.error(CREATE, ws=ws, name="x")
    for error in (down, changing):
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert error["extensions"]["status"] == 503
        assert error["extensions"]["service"] == "flow-engine"
        assert "flow-engine" in error["message"]


async def test_an_unexpected_error_is_masked_and_never_leaks(
    gateway: Gateway, workspaces: tuple[str, str]
) -> None:
    ws, _ = workspaces
    gateway.auth.broken.add(ws)
    body = await gateway.ask(FLOWS, ws=ws)
    assert body["errors"][0]["message"] == INTERNAL_MESSAGE
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL", "status": 500}
    assert "secret" not in json.dumps(body)
    assert "Traceback" not in json.dumps(body)


# -- numbers, the sandbox and executions -----------------------------------------------------


async def test_a_sandbox_conversation_runs_a_published_flow_seen_through_queries(
    gateway: Gateway, flow_engine: Service, messaging: Service, workspaces: tuple[str, str]
) -> None:
    ws, _ = workspaces
    sandbox = await gateway.data(
        "mutation($ws: ID!) { createSandbox(workspaceId: $ws) { channelId provider status } }",
        ws=ws,
    )
    assert sandbox["createSandbox"] == {
        "channelId": "sandbox",
        "provider": "sandbox",
        "status": "active",
    }
    numbers = await gateway.data(
        """query($ws: ID!) {
          channels(workspaceId: $ws) { channelId }
          channel(workspaceId: $ws, channelId: "sandbox") { name }
          numberHealth(workspaceId: $ws, channelId: "sandbox") { channelId score level counts }
        }""",
        ws=ws,
    )
    assert numbers["channels"] == [{"channelId": "sandbox"}]
    assert numbers["numberHealth"]["channelId"] == "sandbox"
    flow_id = (await gateway.data(CREATE, ws=ws, name="Hi", graph=GRAPH))["createFlow"]["flowId"]
    await gateway.data(PUBLISH, ws=ws, flow=flow_id)
    send = """mutation($ws: ID!, $type: String!) {
      sandboxSend(workspaceId: $ws, channelId: "sandbox", phone: "+15550009999", text: "hello",
                  messageType: $type) { messageId contactId }
    }"""
    conversation = """query($ws: ID!) {
      sandboxConversation(workspaceId: $ws, channelId: "sandbox", phone: "+15550009999") {
        messages { direction content position } nextAfter
      }
    }"""

    async def answered() -> bool:
        page = (await gateway.data(conversation, ws=ws))["sandboxConversation"]
        if any(m["direction"] == "outbound" for m in page["messages"]):
            return True
        await gateway.data(send, ws=ws, type="text")
        return False

    await eventually(answered, timeout=30, interval=1.0)
    tapped = await gateway.error(send, ws=ws, type="button")
    assert tapped["extensions"]["code"] == "INVALID_REQUEST"
    assert tapped["extensions"]["errors"][0]["rule"].startswith("reply_id")

    async def one_execution() -> list[Any]:
        page = await gateway.data(
            """query($ws: ID!, $flow: ID!) {
              executions(workspaceId: $ws, flowId: $flow, status: COMPLETED) {
                items { executionId status } nextCursor
              }
            }""",
            ws=ws,
            flow=flow_id,
        )
        items: list[Any] = page["executions"]["items"]
        return items

    async def completed() -> bool:
        return len(await one_execution()) == 1

    await eventually(completed, timeout=15)
    (execution,) = await one_execution()
    detail = await gateway.data(
        """query($ws: ID!, $id: ID!) {
          execution(workspaceId: $ws, executionId: $id) {
            status steps { sequence position eventType } stepsTruncated
          }
          executionTimeline(workspaceId: $ws, executionId: $id, at: 1) {
            steps { index event } state { afterEvent status }
          }
        }""",
        ws=ws,
        id=execution["executionId"],
    )
    assert detail["execution"]["steps"][0]["eventType"] == "exec.ExecutionStarted"
    assert detail["executionTimeline"]["steps"][0]["event"] == "exec.ExecutionStarted"
    assert detail["executionTimeline"]["state"]["afterEvent"] == 1
    ended = await gateway.error(
        """mutation($ws: ID!, $id: ID!) {
          cancelExecution(workspaceId: $ws, executionId: $id, reason: "x") { accepted }
        }""",
        ws=ws,
        id=execution["executionId"],
    )
    assert ended["extensions"]["code"] == "EXECUTION_ENDED"
    assert ended["extensions"]["status"] == 409


# -- live events over graphql-transport-ws -----------------------------------------------------

EVENTS = """subscription($ws: ID!, $execution: ID, $since: Long) {
  executionEvents(workspaceId: $ws, executionId: $execution, since: $since) {
    seq position type executionId flowId occurredAt data
  }
}"""


@pytest.fixture
async def served(
    nc: NatsClient, gateway: Gateway, settings: GatewaySettings, ids: IdentityServices
) -> AsyncIterator[tuple[str, LiveHub]]:
    """The GraphQL app on a real port, its hub fed from the real FLOW_ENGINE stream."""
    async with running_feed(nc) as feed:
        context = gateway_context(nc, settings, gateway.auth, ids, hub=feed.hub)
        server = HttpServer(graphql_app(context), "127.0.0.1", free_port())
        await server.start()
        try:
            yield f"ws://127.0.0.1:{server.port}/graphql", feed.hub
        finally:
            await server.stop()


async def receive(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(10):
        message: dict[str, Any] = json.loads(await ws.recv())
        return message


async def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    await ws.send(json.dumps(message))


async def opened(url: str, token: str = "ana") -> ClientConnection:
    ws = await connect(url, subprotocols=WS_PROTOCOL)
    await send(ws, {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
    assert await receive(ws) == {"type": "connection_ack"}
    return ws


async def test_a_subscription_receives_execution_events_resumes_with_since_and_is_freed(
    served: tuple[str, LiveHub],
    nc: NatsClient,
    workspaces: tuple[str, str],
    unique: Callable[[str], str],
) -> None:
    url, hub = served
    ws_id, theirs = workspaces
    execution_id = unique("e")
    ws = await opened(url)
    try:
        variables: dict[str, Any] = {"ws": ws_id, "execution": execution_id}
        await send(
            ws,
            {"id": "1", "type": "subscribe", "payload": {"query": EVENTS, "variables": variables}},
        )
        await eventually(lambda: hub.subscriber_count(ws_id) == 1)
        first = await flow_events(
            nc,
            ws_id,
            execution_id,
            started(execution_id),
            NodeEntered(node_id="greet", step=1, at=T0),
        )
        second = await flow_events(
            nc, ws_id, execution_id, NodeEntered(node_id="bye", step=2, at=T0)
        )
        got = [(await receive(ws)) for _ in range(3)]
        assert [m["type"] for m in got] == ["next"] * 3
        events = [m["payload"]["data"]["executionEvents"] for m in got]
        assert [(e["seq"], e["position"], e["type"]) for e in events] == [
            (first, 0, "exec.ExecutionStarted"),
            (first, 1, "exec.NodeEntered"),
            (second, 0, "exec.NodeEntered"),
        ]
        assert events[0]["flowId"] == "welcome"
        assert events[0]["executionId"] == execution_id
        assert events[2]["data"]["node_id"] == "bye"
        await send(ws, {"id": "1", "type": "complete"})
        await eventually(lambda: hub.subscriber_count(ws_id) == 0)  # freed on the client's stop

        # Resumed after the first decision: the second is replayed, then live events follow.
        variables = {**variables, "since": first}
        await send(
            ws,
            {"id": "2", "type": "subscribe", "payload": {"query": EVENTS, "variables": variables}},
        )
        replayed = await receive(ws)
        assert replayed["payload"]["data"]["executionEvents"]["seq"] == second
        await eventually(lambda: hub.subscriber_count(ws_id) == 1)
        third = await flow_events(nc, ws_id, execution_id, NodeEntered(node_id="x", step=3, at=T0))
        live = await receive(ws)
        assert live["payload"]["data"]["executionEvents"]["seq"] == third

        # Dropped as too slow: the stream ends saying how to resume.
        hub.overflow_workspace(ws_id)
        dropped = await receive(ws)
        assert dropped["id"] == "2"
        assert dropped["payload"]["data"] is None
        assert dropped["payload"]["errors"][0]["extensions"]["code"] == "SLOW_CONSUMER"
        assert dropped["payload"]["errors"][0]["extensions"]["since"] == third
        assert await receive(ws) == {"id": "2", "type": "complete"}

        # Another tenant's workspace: refused before any event, as the operation's error.
        refused = {"ws": theirs, "execution": execution_id}
        await send(
            ws, {"id": "3", "type": "subscribe", "payload": {"query": EVENTS, "variables": refused}}
        )
        error = await receive(ws)
        assert error["type"] == "error"
        assert error["id"] == "3"
        assert error["payload"][0]["extensions"]["code"] == "NOT_FOUND"
        assert hub.subscriber_count(theirs) == 0
        past = {**variables, "since": third + 1000}
        await send(
            ws, {"id": "4", "type": "subscribe", "payload": {"query": EVENTS, "variables": past}}
        )
        invalid = await receive(ws)
        assert invalid["payload"][0]["extensions"]["errors"][0]["field"] == "since"
    finally:
        await ws.close()
    await eventually(lambda: hub.subscriber_count(ws_id) == 0)  # freed when the socket went


async def test_a_websocket_without_a_valid_token_is_refused(served: tuple[str, LiveHub]) -> None:
    url, hub = served
    for payload in ({}, {"authorization": "Bearer forged"}, {"authorization": "ana"}):
        async with connect(url, subprotocols=WS_PROTOCOL) as ws:
            await send(ws, {"type": "connection_init", "payload": payload})
            with pytest.raises(ConnectionClosed) as closed:
                await receive(ws)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4403, payload
    async with connect(url, subprotocols=WS_PROTOCOL) as ws:  # subscribing before init
        await send(
            ws,
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": EVENTS, "variables": {"ws": "x"}},
            },
        )
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4401
    async with connect(url, subprotocols=[Subprotocol("graphql-ws")]) as ws:  # the old protocol
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4406
    assert hub.subscriber_count() == 0


async def test_a_document_fanning_out_to_too_many_calls_is_refused(
    gateway: Gateway, workspaces: tuple[str, str]
) -> None:
    ws, _ = workspaces
    fields = " ".join(f"f{n}: flows(workspaceId: $ws) {{ nextCursor }}" for n in range(21))
    body = await gateway.ask(f"query($ws: ID!) {{ {fields} }}", ws=ws)
    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"]
