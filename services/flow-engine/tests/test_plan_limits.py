"""The plan's limits in the running engine (real NATS and Postgres), with entitlements written
as billing writes them: publishing one flow too many or an AI flow without the AI node, and AI
questions past the month's `ai_answers`, are refused by name; without entitlements nothing is."""

from __future__ import annotations

import uuid
from typing import Any

from nats.aio.client import Client as NatsClient
from sqlalchemy import text as sql

from parley.contracts.ai.events import QuestionFailed
from parley.contracts.billing.entitlements import AI_ANSWERS, AI_NODE
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ExecutionFailed, ExternalCallAnswered
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.flows.requests import ChangeFlow, FlowAction, FlowChangeResult
from parley.contracts.streams import AI, FLOW_ENGINE, MESSAGING
from parley.flow_engine.testing.graphs import edge, graph, node, text, welcome
from parley.flow_engine.testing.plans import entitle, free_plan, use
from parley.flow_engine.testing.routing import bodies, collect, has, start
from parley.runtime.eventstore import EventStore
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.streams import ensure_stream
from parley.runtime.testing.plugin import eventually

CHANGE_FLOW = query_subject("flow-engine", "change-flow")


async def change(
    nc: NatsClient, ws: str, flow_id: str, action: FlowAction, **payload: Any
) -> FlowChangeResult:
    request = Envelope.wrap(
        ChangeFlow(flow_id=flow_id, action=action, payload=payload), workspace_id=ws
    )
    reply = await nc.request(CHANGE_FLOW, request.to_bytes(), timeout=10)
    return FlowChangeResult.model_validate_json(reply.data)


def dump(flow: FlowGraph) -> dict[str, Any]:
    return flow.model_dump(mode="json")


async def live_flows(service: Service, ws: str) -> list[tuple[str, int]]:
    """(flow, latest version) of the workspace's published, non-archived flows, as the read
    model has them: the count a publish is checked against."""
    async with service.engine.connect() as conn:
        rows = await conn.execute(
            sql(
                f'SELECT flow_id, latest_version FROM "{service.schema}".flows'
                " WHERE workspace_id = :ws AND latest_version > 0 AND NOT archived"
                " ORDER BY flow_id"
            ),
            {"ws": ws},
        )
        return [(r[0], r[1]) for r in rows]


async def until_live(service: Service, ws: str, expected: list[tuple[str, int]]) -> None:
    async def seen() -> bool:
        return await live_flows(service, ws) == expected

    await eventually(seen, timeout=10)


def ai_flow(*, error_path: bool = True) -> FlowGraph:
    nodes = [node("ai", "ai_answer", save_to="answer"), text("yes", "{{vars.answer}}")]
    edges = [edge("ai", "yes", "answered")]
    if error_path:
        nodes.append(text("sorry", "Let me get a colleague"))
        edges.append(edge("ai", "sorry", "error"))
    return graph(nodes, edges, variables=[{"name": "answer"}])


async def test_one_flow_more_than_the_plan_is_refused_while_live_flows_republish(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    await entitle(nc, ws, free_plan(published_flows=2))
    for flow_id in ("one", "two", "three"):
        created = await change(nc, ws, flow_id, "create", name=flow_id, graph=dump(welcome()))
        assert created.ok, created
    assert (await change(nc, ws, "one", "publish")).ok
    await until_live(flow_engine, ws, [("one", 1)])
    assert (await change(nc, ws, "two", "publish")).ok
    await until_live(flow_engine, ws, [("one", 1), ("two", 1)])

    refused = await change(nc, ws, "three", "publish")
    assert (refused.ok, refused.code, refused.events) == (False, "PLAN_LIMIT_REACHED", ())
    assert refused.message == (
        "published_flows: 2 of 2 used now by this workspace on the Free plan."
        " Upgrade to Starter to lift it."
    )
    checked = await change(nc, ws, "three", "validate")  # the draft is as it was, still valid
    assert checked.ok
    assert checked.latest_version == 0

    # A new version of a live flow adds no flow: it is published.
    edited = graph([text("hi", "Hello, version two")], [])
    assert (await change(nc, ws, "one", "update_draft", graph=dump(edited))).ok
    again = await change(nc, ws, "one", "publish", note="v2")
    assert (again.ok, again.latest_version) == (True, 2)

    # Archiving one makes room; unarchiving it while the room is taken is refused.
    assert (await change(nc, ws, "two", "archive")).ok
    await until_live(flow_engine, ws, [("one", 2)])
    assert (await change(nc, ws, "three", "publish")).ok
    await until_live(flow_engine, ws, [("one", 2), ("three", 1)])
    back = await change(nc, ws, "two", "unarchive")
    assert (back.ok, back.code) == (False, "PLAN_LIMIT_REACHED")
    assert back.message.startswith("published_flows: 2 of 2 used now")


async def test_an_ai_flow_is_published_only_on_a_plan_with_the_ai_node(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    await entitle(nc, ws, free_plan(published_flows=5))
    assert (await change(nc, ws, "bot", "create", name="Bot", graph=dump(ai_flow()))).ok
    refused = await change(nc, ws, "bot", "publish")
    assert (refused.ok, refused.code, refused.events) == (False, "PLAN_FEATURE_MISSING", ())
    assert refused.message == "ai_node: not included in the Free plan. Upgrade to Pro to use it."
    assert [(p.node_id, p.field) for p in refused.problems] == [("ai", "type")]

    await entitle(nc, ws, free_plan(published_flows=5, features=frozenset({AI_NODE})))

    async def published() -> bool:  # the engine reads a new plan within a second
        return (await change(nc, ws, "bot", "publish")).ok

    await eventually(published, timeout=5, interval=0.25)
    await until_live(flow_engine, ws, [("bot", 1)])


async def test_without_entitlements_nothing_is_limited(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    await entitle(nc, f"{ws}-neighbour", free_plan(published_flows=0))  # another's plan
    for n in range(3):
        flow_id = f"f{n}"
        assert (await change(nc, ws, flow_id, "create", name=flow_id, graph=dump(ai_flow()))).ok
        published = await change(nc, ws, flow_id, "publish")
        assert published.ok, published


async def failures(nc: NatsClient, ws: str, execution_id: str) -> list[Any]:
    loaded = await EventStore(nc, FLOW_ENGINE.name).load(f"exec.evt.{ws}.{execution_id}")
    kinds = ExternalCallAnswered | ExecutionFailed
    return [e.message for e in loaded if isinstance(e.message, kinds)]


async def test_an_ai_question_past_the_months_answers_takes_the_error_path_unasked(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    await ensure_stream(js, MESSAGING)
    await ensure_stream(js, AI)
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    plan = free_plan(ai_answers=3, features=frozenset({AI_NODE}))
    await entitle(nc, ws, plan)
    await use(nc, ws, plan, AI_ANSWERS, 2)  # two answered earlier this month
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    asked = await collect(js, f"ai.cmd.{ws}.>")

    first = f"e-{uuid.uuid4().hex[:8]}"
    await start(js, ws, first, ai_flow())
    await eventually(has(asked, 1), timeout=10)  # the third answer of the month: asked
    assert [q.request_id for q in asked] == [f"{first}-1"]  # type: ignore[attr-defined]

    second = f"e-{uuid.uuid4().hex[:8]}"
    await start(js, ws, second, ai_flow())
    await eventually(has(sent, 1), timeout=10)
    assert bodies(sent) == ["Let me get a colleague"]  # the error path
    [answered] = await failures(nc, ws, second)
    assert isinstance(answered, ExternalCallAnswered)
    assert answered.port == "error"
    assert answered.result["error"] == (
        "ai_answers: 3 of 3 used this billing period by this workspace on the Free plan"
    )
    assert answered.result["code"] == "PLAN_LIMIT_REACHED"
    assert "Upgrade to Starter" in str(answered.result["remedy"])

    # Without an error path the run fails, naming the limit.
    third = f"e-{uuid.uuid4().hex[:8]}"
    await start(js, ws, third, ai_flow(error_path=False))

    async def third_failed() -> bool:
        return any(isinstance(m, ExecutionFailed) for m in await failures(nc, ws, third))

    await eventually(third_failed, timeout=10)
    failed = [m for m in await failures(nc, ws, third) if isinstance(m, ExecutionFailed)]
    assert "ai_answers: 3 of 3 used this billing period" in failed[0].reason

    # ai-rag failing the first question gives its unit back: the next question is asked.
    gave_up = QuestionFailed(
        request_id=f"{first}-1", execution_id=first, reason="no model", at=answered.at
    )
    await js.publish(f"ai.evt.{ws}.{first}-1", Envelope.wrap(gave_up, workspace_id=ws).to_bytes())
    await eventually(has(sent, 2), timeout=10)  # the first run took its error path
    fourth = f"e-{uuid.uuid4().hex[:8]}"
    await start(js, ws, fourth, ai_flow())
    await eventually(has(asked, 2), timeout=10)
    assert [q.request_id for q in asked] == [f"{first}-1", f"{fourth}-1"]  # type: ignore[attr-defined]
