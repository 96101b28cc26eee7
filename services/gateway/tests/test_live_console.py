"""The live console through the running gateway: authenticated at connect, each subscription
scoped to a workspace the caller is in, events within moments of their append."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
import websockets
from nats.aio.client import Client as NatsClient
from websockets.asyncio.client import ClientConnection

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot, ExecutionStarted
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.runtime.eventstore import EventStore

from .conftest import Account, NewAccount, System


def socket_url(system: System, token: str) -> str:
    return system.api_url.replace("http://", "ws://") + f"/ws?access_token={token}"


async def next_message(live: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(live.recv(), timeout))
    return message


async def start_execution(nc: NatsClient, who: Account, execution_id: str) -> float:
    started = ExecutionStarted(
        execution_id=execution_id,
        at=datetime.now(UTC),
        flow_id="live-flow",
        flow_version=1,
        graph=FlowGraph(),
        contact=ContactSnapshot(contact_id="c-1"),
        trigger="api",
    )
    envelope = Envelope.wrap(started, workspace_id=who.workspace_id)
    at = time.monotonic()
    subject = event_subject("exec", who.workspace_id, execution_id)
    await EventStore(nc, FLOW_ENGINE.name).append(subject, [envelope], 0)
    return at


async def test_events_reach_their_workspace_only(
    system: System, account: NewAccount, nc: NatsClient
) -> None:
    a, b = await account("a"), await account("b")
    async with websockets.connect(socket_url(system, a.token)) as live:
        await live.send(
            json.dumps({"type": "subscribe", "id": "theirs", "workspace_id": b.workspace_id})
        )
        refused = await next_message(live)
        assert refused["type"] == "error"
        assert refused["code"] == "NOT_FOUND"
        await live.send(
            json.dumps({"type": "subscribe", "id": "mine", "workspace_id": a.workspace_id})
        )
        assert (await next_message(live))["type"] == "subscribed"

        await start_execution(nc, b, "x-theirs")
        appended = await start_execution(nc, a, "x-mine")
        event = await next_message(live)
        latency = time.monotonic() - appended
        assert event["type"] == "event"
        assert event["id"] == "mine"
        assert event["execution_id"] == "x-mine"
        assert event["event"]["type"] == "exec.ExecutionStarted"
        assert event["event"]["workspace_id"] == a.workspace_id
        assert latency < 1.0
        with pytest.raises(TimeoutError):  # B's event never comes
            await next_message(live, timeout=0.5)


async def test_a_socket_without_a_valid_token_is_refused(system: System) -> None:
    for url in (socket_url(system, "not-a-token"), socket_url(system, "")):
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(url):
                pass
        assert refused.value.response.status_code == 403


async def test_resuming_with_since_misses_nothing(
    system: System, account: NewAccount, nc: NatsClient
) -> None:
    a = await account("a")
    async with websockets.connect(socket_url(system, a.token)) as live:
        await live.send(
            json.dumps({"type": "subscribe", "id": "s", "workspace_id": a.workspace_id})
        )
        subscribed = await next_message(live)
        await start_execution(nc, a, "x-1")
        first = await next_message(live)
    last_seen = max(first["seq"], subscribed["seq"])
    await start_execution(nc, a, "x-2")  # while disconnected
    async with websockets.connect(socket_url(system, a.token)) as live:
        await live.send(
            json.dumps(
                {"type": "subscribe", "id": "s", "workspace_id": a.workspace_id, "since": last_seen}
            )
        )
        missed = await next_message(live)
        assert missed["type"] == "event"
        assert missed["execution_id"] == "x-2"
        caught_up = await next_message(live)
        assert caught_up["type"] == "subscribed"
        assert caught_up["replayed"] == 1
