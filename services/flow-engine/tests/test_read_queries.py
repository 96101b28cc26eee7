"""The gateway's read queries (flows, versions, executions) against the running flow-engine:
keyset pages that list everything exactly once, filters, and never another tenant's data."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from nats.aio.client import Client as NatsClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import DeliverReply, StartExecution
from parley.contracts.executions.queries import (
    ExecutionDetail,
    ExecutionPage,
    ExecutionSummary,
    GetExecution,
    ListExecutions,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.flows.queries import (
    FlowDetail,
    FlowPage,
    FlowSummary,
    FlowVersionDetail,
    FlowVersionPage,
    GetFlow,
    GetFlowVersion,
    ListFlows,
    ListFlowVersions,
)
from parley.contracts.flows.requests import ChangeFlow, FlowAction, FlowChangeResult
from parley.contracts.messages import Query, Reply
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.execution import ExecutionDecider, ExecutionInput
from parley.flow_engine.testing.graphs import edge, graph, welcome
from parley.flow_engine.testing.graphs import text as text_node
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.queries import query_subject
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

R = TypeVar("R", bound=Reply)
# Now, not a fixed date: the running engine schedules each wait's 24 h timeout from the start, and
# a timeout already past fires at once and ends the wait under the test's feet.
T0 = datetime.now(UTC).replace(microsecond=0)
MALFORMED = "400: cursor: not a cursor this API issued"


async def request(nc: NatsClient, ws: str, name: str, query: Query) -> tuple[bytes, str]:
    """The reply's body, or "<code>: <reason>" when the engine refused."""
    envelope = Envelope.wrap(query, workspace_id=ws)
    reply = await nc.request(query_subject("flow-engine", name), envelope.to_bytes(), timeout=10)
    headers = reply.headers or {}
    if "Nats-Service-Error-Code" in headers:
        return b"", f"{headers['Nats-Service-Error-Code']}: {headers['Nats-Service-Error']}"
    return reply.data, ""


async def ask(nc: NatsClient, ws: str, name: str, query: Query, answer: type[R]) -> R:
    data, error = await request(nc, ws, name, query)
    assert not error, error
    return answer.model_validate_json(data)


async def refusal(nc: NatsClient, ws: str, name: str, query: Query) -> str:
    _, error = await request(nc, ws, name, query)
    return error


async def change(nc: NatsClient, ws: str, flow_id: str, action: FlowAction, **payload: Any) -> None:
    command = ChangeFlow(flow_id=flow_id, action=action, payload=payload)
    result = await ask(nc, ws, "change-flow", command, FlowChangeResult)
    assert result.ok, result


async def every_flow(nc: NatsClient, ws: str, limit: int, **filters: Any) -> list[list[str]]:
    """The flow ids of each page, following next_cursor to the end."""
    pages: list[list[str]] = []
    cursor = ""
    while True:
        page = await ask(
            nc, ws, "list-flows", ListFlows(limit=limit, cursor=cursor, **filters), FlowPage
        )
        pages.append([f.flow_id for f in page.items])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def short() -> FlowGraph:
    """A valid graph other than welcome(): greet, then end."""
    return graph([text_node("greet", "Hi!"), {"id": "bye", "type": "end"}], [edge("greet", "bye")])


def dump(flow: Any) -> dict[str, Any]:
    return flow.model_dump(mode="json")  # type: ignore[no-any-return]


async def test_flows_are_paged_filtered_and_scoped_to_the_workspace(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws, other = f"ws-read-{uuid.uuid4().hex[:8]}", f"ws-other-{uuid.uuid4().hex[:8]}"
    names = {
        "welcome": "Welcome",
        "welcome-back": "welcome BACK",
        "orders": "Order status",
        "survey": "Survey 100%",
        "promo": "Old promo",
    }
    for flow_id, name in names.items():
        await change(nc, ws, flow_id, "create", name=name, graph=dump(welcome()))
    await change(nc, ws, "welcome", "publish", note="first")
    edited = short()
    await change(nc, ws, "orders", "publish")
    await change(nc, ws, "orders", "update_draft", graph=dump(edited))
    await change(nc, ws, "promo", "archive")
    await change(nc, other, "theirs", "create", name="Welcome", graph=dump(welcome()))

    async def projected() -> bool:
        page = await ask(nc, ws, "list-flows", ListFlows(archived=None, limit=100), FlowPage)
        by_id = {f.flow_id: f for f in page.items}
        return (
            len(by_id) == 5
            and by_id["promo"].archived
            and by_id["welcome"].latest_version == 1
            and by_id["orders"].has_unpublished_changes
        )

    await eventually(projected, timeout=15)
    everything = await ask(nc, ws, "list-flows", ListFlows(archived=None, limit=100), FlowPage)
    assert everything.next_cursor is None
    expected = sorted(everything.items, key=lambda f: (f.updated_at, f.flow_id), reverse=True)
    assert list(everything.items) == expected  # newest change first, ties by id

    pages = await every_flow(nc, ws, 2, archived=None)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [i for p in pages for i in p] == [f.flow_id for f in expected]  # each exactly once

    active = await every_flow(nc, ws, 2)  # archived=False by default
    assert sorted(i for p in active for i in p) == ["orders", "survey", "welcome", "welcome-back"]
    assert await every_flow(nc, ws, 2, archived=True) == [["promo"]]
    assert await every_flow(nc, ws, 10, search="WELCOME") == [["welcome", "welcome-back"]]
    assert await every_flow(nc, ws, 10, search="0%") == [["survey"]]  # % is not a wildcard
    assert await every_flow(nc, ws, 10, search="_") == [[]]

    summary: dict[str, FlowSummary] = {f.flow_id: f for f in everything.items}
    assert not summary["welcome"].has_unpublished_changes  # the draft is version 1
    assert summary["survey"].has_unpublished_changes  # never published
    assert summary["orders"].has_unpublished_changes  # edited after publishing
    assert summary["welcome"].duplicated_from is None

    detail = await ask(nc, ws, "get-flow", GetFlow(flow_id="orders"), FlowDetail)
    assert (detail.name, detail.latest_version, detail.draft) == ("Order status", 1, edited)
    assert detail.created_at <= detail.updated_at
    theirs = await refusal(nc, ws, "get-flow", GetFlow(flow_id="theirs"))
    assert theirs == "404: no flow 'theirs' in this workspace"  # it exists, in another workspace
    assert await every_flow(nc, other, 10) == [["theirs"]]


async def test_versions_are_listed_newest_first_and_fetched_whole(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-read-{uuid.uuid4().hex[:8]}"
    await change(nc, ws, "welcome", "create", name="Welcome", graph=dump(welcome()))
    await change(nc, ws, "welcome", "publish", note="first")
    second = short()
    await change(nc, ws, "welcome", "update_draft", graph=dump(second))
    await change(nc, ws, "welcome", "publish", note="shorter")
    versions = ListFlowVersions(flow_id="welcome", limit=1)

    async def both_published() -> bool:
        data, error = await request(nc, ws, "list-flow-versions", versions)
        if error:  # the read model has not seen the flow yet: 404 for a moment
            return False
        page = FlowVersionPage.model_validate_json(data)
        return [v.version for v in page.items] == [2]

    await eventually(both_published, timeout=15)
    first_page = await ask(nc, ws, "list-flow-versions", versions, FlowVersionPage)
    assert first_page.items[0].note == "shorter"
    assert first_page.next_cursor is not None
    rest = await ask(
        nc,
        ws,
        "list-flow-versions",
        versions.model_copy(update={"cursor": first_page.next_cursor}),
        FlowVersionPage,
    )
    assert [(v.version, v.note) for v in rest.items] == [(1, "first")]
    assert rest.next_cursor is None

    one = GetFlowVersion(flow_id="welcome", version=1)
    v1 = await ask(nc, ws, "get-flow-version", one, FlowVersionDetail)
    assert (v1.version, v1.note, v1.graph) == (1, "first", welcome())  # not the later draft
    v2 = await ask(
        nc, ws, "get-flow-version", GetFlowVersion(flow_id="welcome", version=2), FlowVersionDetail
    )
    assert v2.graph == second
    assert v1.published_at <= v2.published_at

    missing = GetFlowVersion(flow_id="welcome", version=3)
    assert await refusal(nc, ws, "get-flow-version", missing) == (
        "404: flow 'welcome' has no published version 3"
    )
    assert await refusal(nc, f"{ws}-x", "get-flow-version", one) == (
        "404: no flow 'welcome' in this workspace"
    )
    nowhere = ListFlowVersions(flow_id="nope")
    assert await refusal(nc, ws, "list-flow-versions", nowhere) == (
        "404: no flow 'nope' in this workspace"
    )


async def test_a_cursor_the_api_did_not_issue_is_refused(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-read-{uuid.uuid4().hex[:8]}"
    await change(nc, ws, "b", "create", name="B")
    await change(nc, ws, "a", "create", name="A", graph=dump(welcome()))
    await change(nc, ws, "a", "publish")
    edited = short()
    await change(nc, ws, "a", "update_draft", graph=dump(edited))
    await change(nc, ws, "a", "publish")

    async def listed() -> bool:
        page = await ask(nc, ws, "list-flows", ListFlows(limit=100), FlowPage)
        return [f.latest_version for f in page.items] == [2, 0]

    await eventually(listed, timeout=15)
    flows_cursor = (await ask(nc, ws, "list-flows", ListFlows(limit=1), FlowPage)).next_cursor
    versions = ListFlowVersions(flow_id="a", limit=1)
    version_cursor = (
        await ask(nc, ws, "list-flow-versions", versions, FlowVersionPage)
    ).next_cursor
    assert flows_cursor is not None
    assert version_cursor is not None
    for bad in ("garbage", "!!!", flows_cursor[:-3], version_cursor):
        assert await refusal(nc, ws, "list-flows", ListFlows(cursor=bad)) == MALFORMED, bad
    assert (
        await refusal(
            nc, ws, "list-flow-versions", versions.model_copy(update={"cursor": flows_cursor})
        )
        == MALFORMED
    )
    assert await refusal(nc, ws, "list-executions", ListExecutions(cursor=flows_cursor)) == (
        MALFORMED
    )


async def test_executions_are_paged_filtered_and_shown_with_their_steps(
    flow_engine: Service, nc: NatsClient
) -> None:
    ws = f"ws-read-{uuid.uuid4().hex[:8]}"
    store = EventStore(nc, FLOW_ENGINE.name)

    async def send(execution_id: str, command: ExecutionInput) -> None:
        subject = event_subject("exec", ws, execution_id)
        cause = Envelope.wrap(command, workspace_id=ws)
        await execute(store, subject, ExecutionDecider(), command, cause=cause)

    runs = {"e-1": ("welcome", "c-1"), "e-2": ("other", "c-2"), "e-3": ("welcome", "c-2")}
    for execution_id, (flow_id, contact) in runs.items():
        start = StartExecution(
            execution_id=execution_id,
            flow_id=flow_id,
            flow_version=1,
            graph=welcome(),
            contact=ContactSnapshot(contact_id=contact, name="Ada"),
            trigger="keyword",
            at=T0,
        )
        await send(execution_id, start)
    await send("e-1", DeliverReply(text="30", at=T0 + timedelta(minutes=1)))

    async def everything() -> list[ExecutionSummary]:
        page = await ask(nc, ws, "list-executions", ListExecutions(limit=100), ExecutionPage)
        return list(page.items)

    async def projected() -> bool:
        status = {e.execution_id: e.status for e in await everything()}
        return status == {"e-1": "completed", "e-2": "waiting", "e-3": "waiting"}

    await eventually(projected, timeout=15)
    listed = await everything()
    assert [e.execution_id for e in listed] == ["e-3", "e-2", "e-1"]  # newest start first
    assert [(e.contact_id, e.trigger) for e in listed] == [
        ("c-2", "keyword"),
        ("c-2", "keyword"),
        ("c-1", "keyword"),
    ]

    first = await ask(nc, ws, "list-executions", ListExecutions(limit=2), ExecutionPage)
    assert [e.execution_id for e in first.items] == ["e-3", "e-2"]
    assert first.next_cursor is not None
    second = await ask(
        nc, ws, "list-executions", ListExecutions(limit=2, cursor=first.next_cursor), ExecutionPage
    )
    assert ([e.execution_id for e in second.items], second.next_cursor) == (["e-1"], None)

    async def ids(**filters: Any) -> list[str]:
        page = await ask(nc, ws, "list-executions", ListExecutions(**filters), ExecutionPage)
        return [e.execution_id for e in page.items]

    assert await ids(flow_id="welcome") == ["e-3", "e-1"]
    assert await ids(status="waiting") == ["e-3", "e-2"]
    assert await ids(flow_id="welcome", status="completed") == ["e-1"]
    assert await ids(contact_id="c-2", status="waiting") == ["e-3", "e-2"]
    assert await ids(status="failed") == []
    page = await ask(nc, f"{ws}-x", "list-executions", ListExecutions(), ExecutionPage)
    assert page.items == ()  # another tenant sees none of them

    detail = await ask(nc, ws, "get-execution", GetExecution(execution_id="e-1"), ExecutionDetail)
    assert (detail.status, detail.contact_id, detail.flow_id) == ("completed", "c-1", "welcome")
    assert detail.ended_at is not None
    stored = await store.load(event_subject("exec", ws, "e-1"))
    assert [s.event_type for s in detail.steps] == [e.message.wire_name for e in stored]
    assert [(s.sequence, s.position) for s in detail.steps] == [
        (e.sequence, e.position) for e in stored
    ]
    assert detail.steps[0].event_type == "exec.ExecutionStarted"
    assert detail.steps[-1].event_type == "exec.ExecutionCompleted"
    assert "graph" not in detail.steps[0].detail
    assert "ask" in [s.node_id for s in detail.steps]
    assert not detail.steps_truncated
    elsewhere = await refusal(nc, f"{ws}-x", "get-execution", GetExecution(execution_id="e-1"))
    assert elsewhere == "404: no execution 'e-1' in this workspace"


async def test_a_long_step_log_is_cut_at_500_and_says_so(
    flow_engine: Service, nc: NatsClient, engine: AsyncEngine
) -> None:
    # Written straight into the read model: 501 events would be a slow way to the same rows.
    ws = f"ws-read-{uuid.uuid4().hex[:8]}"
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO flow_engine.executions (workspace_id, execution_id, flow_id,"
                " flow_version, contact_id, trigger, status, current_node, started_at,"
                " updated_at) VALUES (:ws, 'long', 'loop', 1, 'c-1', 'api', 'running', 'n',"
                " :at, :at)"
            ),
            {"ws": ws, "at": T0},
        )
        await conn.execute(
            text(
                "INSERT INTO flow_engine.execution_steps (workspace_id, execution_id, sequence,"
                " position, event_type, node_id, at, detail) VALUES (:ws, 'long', :seq, 0,"
                " 'exec.NodeEntered', 'n', :at, '{}')"
            ),
            [{"ws": ws, "seq": n, "at": T0} for n in range(501, 0, -1)],
        )
    detail = await ask(nc, ws, "get-execution", GetExecution(execution_id="long"), ExecutionDetail)
    assert len(detail.steps) == 500
    assert detail.steps_truncated
    assert [s.sequence for s in detail.steps] == list(range(1, 501))  # the first ones, in order
