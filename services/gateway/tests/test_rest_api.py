"""The REST API over the running system (messaging, flow-engine and the gateway, real, on the
embedded NATS and PostgreSQL): flows through their life, numbers and the sandbox, executions,
and what every error looks like."""

from __future__ import annotations

from typing import Any

import httpx

from parley.runtime.testing.plugin import eventually

from .conftest import NewAccount

GRAPH: dict[str, Any] = {
    "entry": "greet",
    "nodes": [
        {"id": "greet", "type": "send_message", "message": {"kind": "text", "body": "Hi!"}},
        {"id": "bye", "type": "end"},
    ],
    "edges": [{"source": "greet", "port": "next", "target": "bye"}],
    "triggers": [{"kind": "keyword", "keywords": ["hello"]}],
}
PROBLEM = "application/problem+json"


async def test_a_flow_from_creation_to_its_second_version(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    created = await api.post(
        ana.path("/flows"), json={"name": "Welcome", "graph": GRAPH}, headers=ana.auth
    )
    assert created.status_code == 201, created.text
    flow_id = created.json()["flow_id"]
    assert flow_id.startswith("flw_")

    first = await api.post(ana.path(f"/flows/{flow_id}/publish"), json={}, headers=ana.auth)
    assert first.json()["latest_version"] == 1
    edited = {
        **GRAPH,
        "nodes": [
            GRAPH["nodes"][0] | {"message": {"kind": "text", "body": "Yo"}},
            GRAPH["nodes"][1],
        ],
    }
    draft = await api.put(
        ana.path(f"/flows/{flow_id}/draft"), json={"graph": edited}, headers=ana.auth
    )
    assert draft.status_code == 200, draft.text
    second = await api.post(
        ana.path(f"/flows/{flow_id}/publish"), json={"note": "shorter"}, headers=ana.auth
    )
    assert second.json()["latest_version"] == 2

    async def listed() -> bool:
        page = (await api.get(ana.path("/flows"), headers=ana.auth)).json()
        return [f["latest_version"] for f in page["items"]] == [2]

    await eventually(listed, timeout=10)
    detail = (await api.get(ana.path(f"/flows/{flow_id}"), headers=ana.auth)).json()
    assert detail["draft"]["nodes"][0]["message"]["body"] == "Yo"
    versions = (await api.get(ana.path(f"/flows/{flow_id}/versions"), headers=ana.auth)).json()
    assert [v["version"] for v in versions["items"]] == [2, 1]
    v1 = (await api.get(ana.path(f"/flows/{flow_id}/versions/1"), headers=ana.auth)).json()
    assert v1["graph"]["nodes"][0]["message"]["body"] == "Hi!"
    missing = await api.get(ana.path(f"/flows/{flow_id}/versions/9"), headers=ana.auth)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


async def test_an_invalid_flow_is_refused_naming_each_node_field_and_rule(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    broken = {**GRAPH, "edges": [{"source": "greet", "port": "next", "target": "nowhere"}]}
    created = await api.post(
        ana.path("/flows"), json={"name": "Broken", "graph": broken}, headers=ana.auth
    )
    assert created.status_code == 201  # a draft may be broken
    flow_id = created.json()["flow_id"]
    refused = await api.post(ana.path(f"/flows/{flow_id}/publish"), json={}, headers=ana.auth)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM
    problem = refused.json()
    assert problem["code"] == "FLOW_INVALID"
    assert problem["errors"] == [
        {
            "field": "nodes.greet.edges[0]",
            "rule": "dangling edge: target node 'nowhere' does not exist",
        },
        {"field": "nodes.bye.node", "rule": "unreachable: no path leads here from the entry node"},
    ]

    bad_body = await api.post(ana.path("/flows"), json={"name": ""}, headers=ana.auth)
    assert bad_body.status_code == 422
    assert bad_body.json()["errors"][0]["field"] == "name"
    unknown = await api.post(ana.path("/flows"), json={"name": "x", "colour": 1}, headers=ana.auth)
    assert unknown.json()["errors"] == [{"field": "colour", "rule": "unknown field"}]


async def test_flow_lists_page_with_cursors(api: httpx.AsyncClient, account: NewAccount) -> None:
    ana = await account("ana")
    for n in range(5):
        made = await api.post(ana.path("/flows"), json={"name": f"F{n}"}, headers=ana.auth)
        assert made.status_code == 201

    async def all_five() -> bool:
        page = (await api.get(ana.path("/flows"), headers=ana.auth)).json()
        return len(page["items"]) == 5

    await eventually(all_five, timeout=10)
    names: list[str] = []
    cursor = ""
    while True:
        page = (
            await api.get(
                ana.path("/flows"), params={"limit": 2, "cursor": cursor}, headers=ana.auth
            )
        ).json()
        names += [f["name"] for f in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert sorted(names) == [f"F{n}" for n in range(5)]
    bad = await api.get(ana.path("/flows"), params={"cursor": "garbage"}, headers=ana.auth)
    assert bad.status_code == 422
    assert "cursor" in bad.json()["detail"]
    too_many = await api.get(ana.path("/flows"), params={"limit": 1000}, headers=ana.auth)
    assert too_many.json()["errors"][0]["field"] == "limit"


async def test_a_sandbox_conversation_runs_the_published_bot(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    sandbox = await api.post(ana.path("/channels/sandbox"), json={}, headers=ana.auth)
    assert sandbox.status_code == 201, sandbox.text
    assert sandbox.json()["provider"] == "sandbox"
    listed = (await api.get(ana.path("/channels"), headers=ana.auth)).json()
    assert [c["channel_id"] for c in listed["channels"]] == ["sandbox"]
    again = await api.post(ana.path("/channels/sandbox"), json={}, headers=ana.auth)
    assert again.status_code == 409
    assert again.json()["errors"] == [
        {"field": "channel_id", "rule": "already used in this workspace"}
    ]

    flow = await api.post(ana.path("/flows"), json={"name": "Hi", "graph": GRAPH}, headers=ana.auth)
    flow_id = flow.json()["flow_id"]
    await api.post(ana.path(f"/flows/{flow_id}/publish"), json={}, headers=ana.auth)
    conversation = ana.path("/channels/sandbox/sandbox/conversations/+15550009999")

    async def answered() -> bool:
        page = (await api.get(conversation, headers=ana.auth)).json()
        if any(m["direction"] == "outbound" for m in page["messages"]):
            return True
        sent = await api.post(
            ana.path("/channels/sandbox/sandbox/messages"),
            json={"phone": "+15550009999", "text": "hello"},
            headers=ana.auth,
        )
        assert sent.status_code == 202, sent.text
        return False

    await eventually(answered, timeout=30, interval=1.0)
    page = (
        await api.get(ana.path("/executions"), params={"flow_id": flow_id}, headers=ana.auth)
    ).json()
    assert len(page["items"]) == 1
    execution_id = page["items"][0]["execution_id"]
    timeline = (
        await api.get(ana.path(f"/executions/{execution_id}/timeline"), headers=ana.auth)
    ).json()
    assert timeline["steps"][0]["event"] == "exec.ExecutionStarted"
    health = await api.get(ana.path("/channels/sandbox/health"), headers=ana.auth)
    assert health.status_code == 200, health.text

    tapped = await api.post(
        ana.path("/channels/sandbox/sandbox/messages"),
        json={"phone": "+15550009999", "text": "Yes", "message_type": "button"},
        headers=ana.auth,
    )
    assert tapped.status_code == 422
    assert tapped.json()["errors"][0]["rule"].startswith("reply_id")


async def test_idempotency_key_replays_the_first_answer(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    headers = {**ana.auth, "Idempotency-Key": "create-welcome-1"}
    first = await api.post(ana.path("/flows"), json={"name": "Once"}, headers=headers)
    again = await api.post(ana.path("/flows"), json={"name": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    other = await api.post(ana.path("/flows"), json={"name": "Twice"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"

    async def one_flow() -> bool:
        page = (await api.get(ana.path("/flows"), headers=ana.auth)).json()
        return [f["name"] for f in page["items"]] == ["Once"]

    await eventually(one_flow, timeout=10)


async def test_limits_and_headers(api: httpx.AsyncClient, account: NewAccount) -> None:
    ana = await account("ana")
    huge = await api.post(
        ana.path("/flows"),
        content=b"x" * 2_000_000,
        headers={**ana.auth, "content-type": "application/json"},
    )
    assert huge.status_code == 413
    assert huge.json()["code"] == "REQUEST_TOO_LARGE"
    answer = await api.get("/api/v1/me", headers=ana.auth)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    anonymous = await api.get(ana.path("/flows"))
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    nowhere = await api.get("/api/v1/nothing-here", headers=ana.auth)
    assert nowhere.status_code == 404
    assert nowhere.headers["content-type"] == PROBLEM


async def test_openapi_is_served(api: httpx.AsyncClient) -> None:
    spec = (await api.get("/api/openapi.json")).json()
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/workspaces/{workspace_id}/flows" in spec["paths"]
    docs = await api.get("/api/docs")
    assert docs.status_code == 200


async def test_a_nul_character_is_refused_at_the_door(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    body = await api.post(ana.path("/flows"), json={"name": "a\u0000b"}, headers=ana.auth)
    assert body.status_code == 422
    assert body.json()["errors"] == [
        {"field": "body", "rule": "must not contain the NUL character (U+0000)"}
    ]
    query = await api.get(ana.path("/flows"), params={"search": "a\u0000"}, headers=ana.auth)
    assert query.status_code == 422
    login = await api.post("/api/v1/auth/login", json={"email": "a\u0000@x.io", "password": "p"})
    assert login.status_code == 422
    typed = await api.post(ana.path("/flows"), json={"name": "a\\u0000b"}, headers=ana.auth)
    assert typed.status_code == 201  # the six characters a person may type are fine


async def test_a_lone_surrogate_is_refused_as_not_unicode(
    api: httpx.AsyncClient, account: NewAccount
) -> None:
    ana = await account("ana")
    headers = {**ana.auth, "content-type": "application/json"}
    lone = await api.post(ana.path("/flows"), content=b'{"name": "a\\ud83d b"}', headers=headers)
    assert lone.status_code == 422
    assert lone.json()["errors"][0]["rule"].startswith("must be valid Unicode")
    paired = await api.post(
        ana.path("/flows"), content=b'{"name": "a\\ud83d\\ude00"}', headers=headers
    )
    assert paired.status_code == 201  # an emoji, written as its surrogate pair
