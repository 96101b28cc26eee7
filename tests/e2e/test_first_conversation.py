"""The first conversation, end to end, as a new user has it.

The whole system runs as processes (`parley dev` on free ports). Over the public API only: sign
up, create a sandbox number, create and publish a flow, write to the bot as the customer, read
its answer in the sandbox conversation, watch every step arrive on the live WebSocket, then
replay the execution and get the same timeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import websockets

from parley.runtime.testing.dev_stack import Stack, stop_and_assert_gone
from parley.runtime.testing.plugin import eventually

# Seven service processes, NATS and PostgreSQL start on two cores; ai-rag's imports (Qdrant,
# numpy, openai) alone take seconds, so a boot on a busy machine may take a minute.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(360)]

CUSTOMER = "+15550001234"
FLOW = {
    "entry": "greet",
    "nodes": [
        {
            "id": "greet",
            "type": "send_message",
            "message": {"kind": "text", "body": 'Hello {{contact.name | "there"}}! Your name?'},
        },
        {"id": "ask", "type": "wait_for_reply", "save_to": "name"},
        {
            "id": "thanks",
            "type": "send_message",
            "message": {"kind": "text", "body": "Nice to meet you, {{vars.name}}"},
        },
        {"id": "bye", "type": "end"},
    ],
    "edges": [
        {"source": "greet", "port": "next", "target": "ask"},
        {"source": "ask", "port": "reply", "target": "thanks"},
        {"source": "ask", "port": "timeout", "target": "bye"},
        {"source": "ask", "port": "invalid", "target": "bye"},
        {"source": "thanks", "port": "next", "target": "bye"},
    ],
    "variables": [{"name": "name"}],
    "triggers": [{"kind": "keyword", "keywords": ["hi"]}],
}


@pytest.fixture
def stack_dir() -> Iterator[Path]:
    # Outside pytest's tmp root, which pytest re-chmods to 0700 (PostgreSQL runs as another user).
    path = Path(tempfile.mkdtemp(prefix="parley-e2e-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def outbound_texts(api: httpx.AsyncClient, path: str) -> list[str]:
    page = (await api.get(path)).json()
    return [m["content"]["text"]["body"] for m in page["messages"] if m["direction"] == "outbound"]


async def test_sign_up_build_a_bot_talk_to_it_watch_and_replay(stack_dir: Path) -> None:
    stack = Stack.on_free_ports(stack_dir)
    with stack.running() as dev:
        await stack.wait_all_ready(dev)
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=10) as api:
            signup = await api.post(
                "/api/v1/auth/signup",
                json={"email": "ada@example.com", "password": "correct horse 42", "name": "Ada"},
            )
            assert signup.status_code == 201, signup.text
            account = signup.json()
            token = account["tokens"]["access_token"]
            ws_id = account["workspace"]["id"]
            api.headers["Authorization"] = f"Bearer {token}"
            base = f"/api/v1/workspaces/{ws_id}"

            sandbox = await api.post(f"{base}/channels/sandbox", json={})
            assert sandbox.status_code == 201, sandbox.text
            created = await api.post(f"{base}/flows", json={"name": "Greeter", "graph": FLOW})
            assert created.status_code == 201, created.text
            flow_id = created.json()["flow_id"]
            published = await api.post(f"{base}/flows/{flow_id}/publish", json={"note": "v1"})
            assert published.status_code == 200, published.text
            assert published.json()["latest_version"] == 1

            ws_url = stack.api_url.replace("http", "ws") + f"/ws?access_token={token}"
            async with websockets.connect(ws_url) as live:
                await live.send(
                    json.dumps({"type": "subscribe", "id": "all", "workspace_id": ws_id})
                )
                subscribed = json.loads(await asyncio.wait_for(live.recv(), 10))
                assert subscribed["type"] == "subscribed", subscribed

                # The published version reaches the router through the read model: a "hi" sent
                # before it starts nothing, so the customer writes again until a run starts.
                conversation = f"{base}/channels/sandbox/sandbox/conversations/{CUSTOMER}"
                runs = f"{base}/executions"

                async def a_run_started() -> bool:
                    page = (await api.get(runs, params={"flow_id": flow_id})).json()
                    if page["items"]:
                        return True
                    said = await api.post(
                        f"{base}/channels/sandbox/sandbox/messages",
                        json={"phone": CUSTOMER, "profile_name": "Grace", "text": "hi"},
                    )
                    assert said.status_code == 202, said.text
                    return False

                await eventually(a_run_started, timeout=30, interval=2.0)

                async def bot_greeted() -> bool:
                    return (await outbound_texts(api, conversation)) == ["Hello Grace! Your name?"]

                try:
                    await eventually(bot_greeted, timeout=15)
                except AssertionError:
                    texts = await outbound_texts(api, conversation)
                    raise AssertionError(f"no greeting in {texts}\n{stack.log_tail(40)}") from None
                said = await api.post(
                    f"{base}/channels/sandbox/sandbox/messages",
                    json={"phone": CUSTOMER, "text": "Grace"},
                )
                assert said.status_code == 202, said.text

                async def bot_thanked() -> bool:
                    texts = await outbound_texts(api, conversation)
                    return "Nice to meet you, Grace" in texts

                await eventually(bot_thanked, timeout=20)

                executions = await api.get(f"{base}/executions", params={"flow_id": flow_id})
                assert executions.status_code == 200, executions.text
                items = executions.json()["items"]
                assert len(items) == 1, items
                execution_id = items[0]["execution_id"]

                async def completed() -> bool:
                    found = await api.get(f"{base}/executions/{execution_id}")
                    return found.status_code == 200 and found.json()["status"] == "completed"

                await eventually(completed, timeout=20)

                # Every event of the execution arrives on the socket, in log order. Delivery
                # statuses are recorded even after the run ended, so the log is read again
                # until the two agree.
                seen: list[str] = []
                steps: list[dict[str, object]] = []

                async def socket_matches_the_log() -> bool:
                    with contextlib.suppress(TimeoutError):
                        while True:
                            message = json.loads(await asyncio.wait_for(live.recv(), 0.2))
                            if (
                                message["type"] == "event"
                                and message["execution_id"] == execution_id
                            ):
                                seen.append(message["event"]["type"])
                    timeline = await api.get(f"{base}/executions/{execution_id}/timeline")
                    assert timeline.status_code == 200, timeline.text
                    steps[:] = timeline.json()["steps"]
                    return seen == [s["event"] for s in steps]

                try:
                    await eventually(socket_matches_the_log, timeout=15)
                except AssertionError:
                    logged = [s["event"] for s in steps]
                    raise AssertionError(f"socket saw {seen}, the log has {logged}") from None
                assert seen[0] == "exec.ExecutionStarted"
                assert "exec.ExecutionCompleted" in seen

            replay = await api.get(f"{base}/executions/{execution_id}/replay")
            assert replay.status_code == 200, replay.text
            assert replay.json()["steps"] == steps
            at_start = await api.get(f"{base}/executions/{execution_id}/replay", params={"at": 1})
            assert at_start.json()["state"]["after_event"] == 1
        stop_and_assert_gone(dev, stack)
