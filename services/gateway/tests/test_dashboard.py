"""The dashboard over the running system: a real conversation through the sandbox moves its
figures (messages, executions, flows, numbers, attention); bad `hours` is a 422 naming the
field, another workspace a 404. The attention rules are also checked alone, on made-up figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from parley.contracts.executions.stats import ExecutionStats, FlowExecutionStats
from parley.contracts.messaging.channels import ChannelView
from parley.contracts.messaging.stats import FailureCount, MessageCounts, MessageStats
from parley.gateway.application.dashboard import NumberFigures, attention, period_start
from parley.runtime.testing.plugin import eventually

from .conftest import NewAccount

PHONE = "+15550007777"
GRAPH: dict[str, Any] = {
    "entry": "greet",
    "nodes": [
        {"id": "greet", "type": "send_message", "message": {"kind": "text", "body": "Hi!"}},
        {"id": "human", "type": "handover", "note": "a person takes it from here"},
    ],
    "edges": [{"source": "greet", "port": "next", "target": "human"}],
    "triggers": [{"kind": "keyword", "keywords": ["dashboard"]}],
}
ZERO = {"sent": 0, "delivered": 0, "read": 0, "failed": 0, "replies": 0}


def kinds(body: dict[str, Any]) -> list[str]:
    return [item["kind"] for item in body["attention"]]


async def test_a_conversation_moves_the_dashboard(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    dashboard = ana.path("/dashboard")

    empty = await api.get(dashboard, headers=ana.auth)
    assert empty.status_code == 200, empty.text
    body = empty.json()
    assert set(body) == {
        "period",
        "messages",
        "series",
        "failures",
        "executions",
        "flows",
        "numbers",
        "attention",
    }
    assert body["period"]["hours"] == 24
    start, end = (datetime.fromisoformat(body["period"][k]) for k in ("from", "to"))
    assert start == period_start(end, 24)
    assert body["messages"] == ZERO
    assert [datetime.fromisoformat(h["at"]) for h in body["series"]] == [
        start + timedelta(hours=n) for n in range(24)
    ]
    assert all({k: h[k] for k in ZERO} == ZERO for h in body["series"])
    assert body["failures"] == []
    assert body["flows"] == []
    assert body["numbers"] == []
    assert body["executions"] == {"active": 0, "started": 0, "completed": 0, "failed": 0}
    assert body["attention"] == [
        {
            "kind": "no_number",
            "severity": "info",
            "title": "Connect a WhatsApp number",
            "detail": "No number is connected: nothing can be sent or received yet.",
            "target": {"page": "onboarding", "id": None},
        },
        {
            "kind": "no_published_flow",
            "severity": "info",
            "title": "Publish a flow",
            "detail": "No flow is published, so nothing answers incoming messages.",
            "target": {"page": "flows", "id": None},
        },
    ]

    made = await api.post(ana.path("/channels/sandbox"), json={}, headers=ana.auth)
    assert made.status_code == 201, made.text
    flow = await api.post(
        ana.path("/flows"), json={"name": "Support", "graph": GRAPH}, headers=ana.auth
    )
    flow_id = flow.json()["flow_id"]
    published = await api.post(ana.path(f"/flows/{flow_id}/publish"), json={}, headers=ana.auth)
    assert published.status_code == 200, published.text

    async def flow_is_published() -> bool:
        answer = await api.get(dashboard, headers=ana.auth)
        return "no_published_flow" not in kinds(answer.json())

    await eventually(flow_is_published, timeout=20, interval=0.3)
    sent = await api.post(
        ana.path("/channels/sandbox/sandbox/messages"),
        json={"phone": PHONE, "text": "dashboard"},
        headers=ana.auth,
    )
    assert sent.status_code == 202, sent.text
    moved: dict[str, Any] = {}

    async def conversation_counted() -> bool:
        moved.update((await api.get(dashboard, headers=ana.auth)).json())
        return (
            moved["messages"]["replies"] == 1
            and moved["messages"]["delivered"] == 1
            and moved["executions"]["active"] == 1
            and "handover_waiting" in kinds(moved)
        )

    await eventually(conversation_counted, timeout=30, interval=0.5)
    assert moved["messages"] == {**ZERO, "sent": 1, "delivered": 1, "replies": 1}
    assert moved["executions"] == {"active": 1, "started": 1, "completed": 0, "failed": 0}
    assert moved["flows"] == [
        {
            "flow_id": flow_id,
            "name": "Support",
            "started": 1,
            "completed": 0,
            "active": 1,
            "conversion_rate": 0.0,
        }
    ]
    # The series adds up to the totals; the conversation is in its last hour (or the last two,
    # if an hour began meanwhile).
    assert {k: sum(h[k] for h in moved["series"]) for k in ZERO} == moved["messages"]
    assert all({k: h[k] for k in ZERO} == ZERO for h in moved["series"][:-2])
    [number] = moved["numbers"]
    assert (number["channel_id"], number["status"]) == ("sandbox", "active")
    assert isinstance(number["health_score"], int)
    assert 0 <= number["health_score"] <= 100
    assert set(number) == {"channel_id", "name", "phone", "status", "health_score", "reasons"}
    handover = next(i for i in moved["attention"] if i["kind"] == "handover_waiting")
    assert handover["severity"] == "warning"
    assert handover["title"] == "1 conversation waiting for a person"
    assert handover["target"] == {"page": "executions", "id": None}
    assert "no_number" not in kinds(moved)
    assert "sandbox_only" in kinds(moved)  # a sandbox reaches no real customer
    ranks = {"critical": 0, "warning": 1, "info": 2}
    severities = [ranks[i["severity"]] for i in moved["attention"]]
    assert severities == sorted(severities)

    hour = (await api.get(dashboard, params={"hours": 1}, headers=ana.auth)).json()
    assert hour["period"]["hours"] == 1
    assert len(hour["series"]) == 1
    assert {k: hour["series"][0][k] for k in ZERO} == hour["messages"]
    month = (await api.get(dashboard, params={"hours": 720}, headers=ana.auth)).json()
    assert len(month["series"]) == 720
    assert month["messages"] == moved["messages"]


async def test_hours_out_of_range_is_a_422_naming_the_field(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    for hours in ("0", "721", "-3", "twelve", "1.5"):
        answer = await api.get(ana.path("/dashboard"), params={"hours": hours}, headers=ana.auth)
        assert answer.status_code == 422, (hours, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == ["hours"], answer.text


async def test_another_workspace_is_a_404(api: httpx.AsyncClient, account: NewAccount) -> None:
    ana, bob = await account("ana"), await account("bob")
    theirs = await api.get(ana.path("/dashboard", workspace_id=bob.workspace_id), headers=ana.auth)
    assert theirs.status_code == 404, theirs.text
    bad_hours = await api.get(
        ana.path("/dashboard", workspace_id=bob.workspace_id),
        params={"hours": 0},
        headers=ana.auth,
    )
    assert bad_hours.status_code == 404  # existence is not confirmed, whatever the query
    assert (await api.get(bob.path("/dashboard"))).status_code == 401


def _channel(channel_id: str, **fields: Any) -> ChannelView:
    return ChannelView(
        channel_id=channel_id,
        provider="cloud_api",
        phone_number_id="100" + channel_id,
        connected_at=datetime(2026, 1, 1, tzinfo=UTC),
        **fields,
    )


def test_attention_puts_the_most_severe_first_and_names_its_target() -> None:
    channels = (
        _channel("main", name="Main", display_phone_number="+1 555 0100"),
        _channel(
            "promo",
            name="Promo",
            status="paused",
            paused_reason="Meta paused the number.",
            paused_remedy="Raise its quality.",
        ),
    )
    numbers = [
        NumberFigures(
            channel_id="main", name="Main", phone="", status="active", health_score=55, reasons=[]
        ),
        NumberFigures(
            channel_id="promo", name="Promo", phone="", status="paused", health_score=90, reasons=[]
        ),
    ]
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    messages = MessageStats(
        since=now,
        until=now,
        totals=MessageCounts(sent=10, failed=4),
        failures=(FailureCount(code="131047", count=3), FailureCount(code="131026", count=1)),
    )
    executions = ExecutionStats(
        since=now,
        active=2,
        started=5,
        completed=1,
        failed=2,
        waiting_handover=2,
        published_flows=0,
        flows=(
            FlowExecutionStats(flow_id="f", name="F", started=5, completed=1, failed=2, active=2),
        ),
    )
    items = attention(channels, numbers, messages, executions, 24)
    assert [(i.kind, i.severity, i.target.page, i.target.id) for i in items] == [
        ("number_paused", "critical", "numbers", "promo"),
        ("number_health", "warning", "numbers", "main"),
        ("handover_waiting", "warning", "executions", None),
        ("failed_sends", "warning", "numbers", None),
        ("failed_executions", "warning", "executions", None),
        ("no_published_flow", "info", "flows", None),
    ]
    paused, health, handover, failures = items[0], items[1], items[2], items[3]
    assert paused.detail == "Meta paused the number. Raise its quality."
    assert health.detail == "health score 55"
    assert handover.title == "2 conversations waiting for a person"
    assert failures.title == "4 messages failed in the last 24 hours"
    assert failures.detail == "Most frequent error codes: 131047 (3), 131026 (1)."
