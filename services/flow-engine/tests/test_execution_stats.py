"""`exec.GetExecutionStats`, the dashboard's execution figures, against the running flow-engine:
active now, started / completed / failed in the period, per flow with its name, handovers
waiting, published flows; scoped to the asking workspace."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import DeliverReply, StartExecution
from parley.contracts.executions.stats import ExecutionStats, GetExecutionStats
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.flows.requests import ChangeFlow, FlowAction, FlowChangeResult
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.execution import ExecutionDecider, ExecutionInput
from parley.flow_engine.testing.graphs import edge, graph, node, text, welcome
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

STATS = query_subject("flow-engine", "execution-stats")


def handover() -> FlowGraph:
    return graph([node("human", "handover", note="a person answers")], [])


def broken() -> FlowGraph:
    """Fails at run time: the condition divides by zero."""
    return graph(
        [node("check", "condition", expression="1 / 0"), text("a", "yes"), text("b", "no")],
        [edge("check", "a", "true"), edge("check", "b", "false")],
    )


async def change(nc: NatsClient, ws: str, flow_id: str, action: FlowAction, **payload: Any) -> None:
    request = Envelope.wrap(
        ChangeFlow(flow_id=flow_id, action=action, payload=payload), workspace_id=ws
    )
    reply = await nc.request(
        query_subject("flow-engine", "change-flow"), request.to_bytes(), timeout=10
    )
    result = FlowChangeResult.model_validate_json(reply.data)
    assert result.ok, result


async def stats(nc: NatsClient, ws: str, since: datetime, **fields: Any) -> ExecutionStats:
    request = Envelope.wrap(GetExecutionStats(since=since, **fields), workspace_id=ws)
    reply = await nc.request(STATS, request.to_bytes(), timeout=10)
    return ExecutionStats.model_validate_json(reply.data)


async def test_the_figures_of_a_period_per_flow_and_nothing_of_another_workspace(
    flow_engine: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws-stats")
    store = EventStore(nc, FLOW_ENGINE.name)
    shape = welcome().model_dump(mode="json")
    for flow_id, name in (("welcome", "Welcome tour"), ("support", "Support"), ("old", "Old")):
        await change(nc, ws, flow_id, "create", name=name, graph=shape)
        await change(nc, ws, flow_id, "publish")
    await change(nc, ws, "old", "archive")
    await change(nc, ws, "broken", "create", name="Broken", graph=shape)  # never published

    # The read model dates an execution by its first event's append (the engine's clock), so
    # the period starts between the executions run before it and those run in it.
    async def run(execution_id: str, flow_id: str, flow: FlowGraph) -> None:
        start = StartExecution(
            execution_id=execution_id,
            flow_id=flow_id,
            flow_version=1,
            graph=flow,
            contact=ContactSnapshot(contact_id=f"c-{execution_id}"),
            trigger="keyword",
            at=datetime.now(UTC),  # waits time out a day later: not during the test
        )
        await send(execution_id, start)

    async def send(execution_id: str, command: ExecutionInput) -> None:
        subject = event_subject("exec", ws, execution_id)
        cause = Envelope.wrap(command, workspace_id=ws)
        await execute(store, subject, ExecutionDecider(), command, cause=cause)

    await run("e3", "welcome", welcome())  # still waiting: active, not started in the period
    await run("e4", "welcome", welcome())
    await send("e4", DeliverReply(text="30", at=datetime.now(UTC)))  # done before: not counted
    await run("e9", "old", broken())  # failed before the period
    since = datetime.now(UTC)
    await run("e1", "welcome", welcome())  # waits for a reply
    await run("e2", "welcome", welcome())
    await send("e2", DeliverReply(text="30", at=datetime.now(UTC)))  # completed
    await run("e5", "support", handover())
    await run("e6", "support", handover())
    await run("e7", "broken", broken())  # failed
    await run("e8", "ghost", welcome())  # a flow the read model never saw

    expected = {
        "active": 5,  # e1 e3 e5 e6 e8
        "started": 6,  # e1 e2 e5 e6 e7 e8
        "completed": 1,
        "failed": 1,
        "waiting_handover": 2,
        "published_flows": 2,  # welcome and support; old is archived, broken a draft
    }
    figures: list[ExecutionStats] = []

    async def projected() -> bool:
        figures[:] = [await stats(nc, ws, since)]
        found = figures[0].model_dump(include=set(expected))
        return found == expected and len(figures[0].flows) == 4

    await eventually(projected, timeout=20, interval=0.2)
    flows = [
        (f.flow_id, f.name, f.started, f.completed, f.failed, f.active) for f in figures[0].flows
    ]
    # Most started first, then most active, then by id.
    assert flows == [
        ("support", "Support", 2, 0, 0, 2),
        ("welcome", "Welcome tour", 2, 1, 0, 2),
        ("ghost", "", 1, 0, 0, 1),
        ("broken", "Broken", 1, 0, 1, 0),
    ]
    assert [f.flow_id for f in (await stats(nc, ws, since, flow_limit=2)).flows] == [
        "support",
        "welcome",
    ]
    other = await stats(nc, unique("ws-other"), since)
    assert other.model_dump(exclude={"since"}) == {
        "active": 0,
        "started": 0,
        "completed": 0,
        "failed": 0,
        "waiting_handover": 0,
        "published_flows": 0,
        "flows": (),
    }
