"""Changing flows over NATS request/reply through the running engine: answers with every
problem, refusals with stable codes, scoped to the asking workspace."""

from __future__ import annotations

import uuid
from typing import Any

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.flows.requests import ChangeFlow, FlowAction, FlowChangeResult
from parley.flow_engine.testing.graphs import edge, graph, node, text, welcome
from parley.runtime.queries import query_subject
from parley.runtime.service import Service

SUBJECT = query_subject("flow-engine", "change-flow")


async def change(
    nc: NatsClient, ws: str, flow_id: str, action: FlowAction, **payload: Any
) -> FlowChangeResult:
    request = ChangeFlow(flow_id=flow_id, action=action, payload=payload)
    reply = await nc.request(
        SUBJECT, Envelope.wrap(request, workspace_id=ws).to_bytes(), timeout=10
    )
    assert not (reply.headers or {}).get("Nats-Service-Error"), reply.headers
    return FlowChangeResult.model_validate_json(reply.data)


def dump(flow: Any) -> dict[str, Any]:
    return flow.model_dump(mode="json")  # type: ignore[no-any-return]


async def test_a_flow_is_created_edited_published_duplicated_and_archived(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    created = await change(nc, ws, "welcome", "create", name="Welcome", graph=dump(welcome()))
    assert created.ok
    assert created.events == ("flow.FlowCreated",)
    again = await change(nc, ws, "welcome", "create", name="Welcome")
    assert (again.ok, again.code) == (False, "FLOW_EXISTS")

    published = await change(nc, ws, "welcome", "publish", note="v1")
    assert (published.ok, published.latest_version) == (True, 1)
    same = await change(nc, ws, "welcome", "publish")
    assert (same.ok, same.code) == (False, "NOTHING_TO_PUBLISH")

    copy = await change(nc, ws, "welcome", "duplicate", new_flow_id="welcome-2", name="Copy")
    assert (copy.ok, copy.flow_id, copy.latest_version) == (True, "welcome-2", 0)
    taken = await change(nc, ws, "welcome", "duplicate", new_flow_id="welcome-2", name="Copy")
    assert (taken.ok, taken.code) == (False, "FLOW_EXISTS")

    archived = await change(nc, ws, "welcome", "archive")
    assert archived.events == ("flow.FlowArchived",)
    refused = await change(nc, ws, "welcome", "rename", name="New name")
    assert (refused.ok, refused.code) == (False, "FLOW_ARCHIVED")

    elsewhere = await change(nc, f"{ws}-other", "welcome", "rename", name="Mine")
    assert (elsewhere.ok, elsewhere.code) == (False, "FLOW_NOT_FOUND")


async def test_an_invalid_draft_is_refused_with_every_problem_named(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    broken = graph(
        [
            node("check", "condition", expression="vars.age >= "),
            text("hi", "Hi {{vars.nobody}}"),
            text("orphan", "never reached"),
        ],
        [edge("check", "hi", "true"), edge("hi", "ghost")],
    )
    await change(nc, ws, "f1", "create", name="Broken", graph=dump(broken))
    checked = await change(nc, ws, "f1", "validate")
    refused = await change(nc, ws, "f1", "publish")
    assert (refused.ok, refused.code) == (False, "FLOW_INVALID")
    problems = {(p.node_id, p.field) for p in refused.problems}
    assert ("check", "expression") in problems
    assert any(p.node_id == "hi" for p in refused.problems)
    assert any(p.node_id == "orphan" for p in refused.problems)
    assert {(p.node_id, p.field) for p in checked.problems if p.severity == "error"} == problems
    assert not checked.ok


async def test_a_malformed_request_names_the_field_and_the_rule(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    answer = await change(nc, ws, "f1", "create", name="", graph={"nodes": [{"type": "nope"}]})
    assert (answer.ok, answer.code) == (False, "INVALID_REQUEST")
    fields = {p.field for p in answer.problems}
    assert "name" in fields
    assert any(f.startswith("graph.nodes.0") for f in fields)
