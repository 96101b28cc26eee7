"""The engine loop on real NATS: inputs are decided, the log drives effects, timers come back."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import StartExecution
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.registry import registry
from parley.contracts.streams import MESSAGING
from parley.flow_engine.app import build
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.flow_engine.settings import FlowEngineSettings
from parley.flow_engine.testing.graphs import edge, graph, node, text
from parley.runtime.embedded import EmbeddedNats, free_port
from parley.runtime.service import Service
from parley.runtime.streams import ensure_stream
from parley.runtime.testing.plugin import eventually


def paced() -> FlowGraph:
    return graph(
        [
            text("hi", "Hi {{contact.name}}"),
            node("wait", "delay", seconds=2),
            text("later", "Still there?"),
            node("end", "end"),
        ],
        [edge("hi", "wait"), edge("wait", "later"), edge("later", "end")],
    )


async def sent_to(js: JetStreamContext, workspace: str) -> list[tuple[float, SendMessage]]:
    """Every SendMessage published for the workspace, with the time we saw it."""
    seen: list[tuple[float, SendMessage]] = []

    async def collect(msg: object) -> None:
        command = registry.decode(Envelope.from_bytes(msg.data))  # type: ignore[attr-defined]
        assert isinstance(command, SendMessage)
        seen.append((time.monotonic(), command))

    await js.subscribe(f"messaging.cmd.{workspace}.>", cb=collect, ordered_consumer=True)
    return seen


def start(execution_id: str, workspace: str, flow: FlowGraph) -> bytes:
    command = StartExecution(
        execution_id=execution_id,
        flow_id="paced",
        flow_version=1,
        graph=flow,
        contact=ContactSnapshot(contact_id="c-1", name="Ada"),
        trigger="api",
        at=datetime.now(UTC),
    )
    return Envelope.wrap(command, workspace_id=workspace).to_bytes()


async def test_a_delay_pauses_the_execution_and_the_timer_brings_it_back(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    await ensure_stream(js, MESSAGING)
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await sent_to(js, workspace)
    execution_id = f"e-{uuid.uuid4().hex[:8]}"

    await js.publish(
        input_subject(workspace, execution_id), start(execution_id, workspace, paced())
    )

    await eventually(lambda: len(sent) == 2, timeout=20)
    (first_at, first), (second_at, second) = sent
    assert first.message["body"] == "Hi Ada"
    assert second.message["body"] == "Still there?"
    assert (first.command_id, second.command_id) == (f"{execution_id}:1", f"{execution_id}:3")
    assert second_at - first_at >= 1.5  # the 2 s delay (never early), less our own latency


async def test_a_3s_delay_survives_a_restart_of_the_engine_and_of_nats(
    own_database: str, tmp_path: Path
) -> None:
    server = EmbeddedNats(store_dir=tmp_path / "nats")
    server.start()
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    execution_id = f"e-{uuid.uuid4().hex[:8]}"
    flow = graph(
        [
            text("hi", "Hi"),
            node("wait", "delay", seconds=3),
            text("later", "Three seconds on"),
            node("end", "end"),
        ],
        [edge("hi", "wait"), edge("wait", "later"), edge("later", "end")],
    )
    try:
        async with running_engine(server.url, own_database) as engine:
            js = engine.nc.jetstream()
            await ensure_stream(js, MESSAGING)
            sent = await sent_to(js, workspace)
            await js.publish(
                input_subject(workspace, execution_id), start(execution_id, workspace, flow)
            )
            await eventually(lambda: len(sent) == 1, timeout=20)  # "Hi" left; the delay began
            started = time.monotonic()

        server.restart()  # the engine is down, and now NATS goes away and comes back

        async with running_engine(server.url, own_database) as engine:
            sent = await sent_to(engine.nc.jetstream(), workspace)  # replays the stream
            await eventually(lambda: len(sent) == 2, timeout=20)
            assert [s.message["body"] for _, s in sent] == ["Hi", "Three seconds on"]
            assert sent[1][0] - started >= 1.5  # fired from the stored schedule, not early
    finally:
        server.stop()


@asynccontextmanager
async def running_engine(nats_url: str, database_url: str) -> AsyncIterator[Service]:
    settings = FlowEngineSettings(
        nats_url=nats_url, database_url=database_url, health_port=free_port()
    )
    service = build(settings)
    task = asyncio.create_task(service.run())
    try:
        await eventually(lambda: service.phase == "running", timeout=30)
        yield service
    finally:
        service.stop()
        await asyncio.wait_for(task, 15)


async def test_an_unanswered_ai_question_times_out_is_retried_then_takes_the_error_port(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    await ensure_stream(js, MESSAGING)
    workspace = f"ws-{uuid.uuid4().hex[:8]}"
    sent = await sent_to(js, workspace)
    asked: list[str] = []

    async def question(msg: object) -> None:
        asked.append(registry.decode(Envelope.from_bytes(msg.data)).request_id)  # type: ignore[attr-defined]

    await js.subscribe(f"ai.cmd.{workspace}.>", cb=question, ordered_consumer=True)
    flow = graph(
        [
            node("ai", "ai_answer", timeout_seconds=1, max_attempts=2),
            text("yes", "{{vars.answer}}"),
            text("sorry", "Let me get a colleague"),
        ],
        [edge("ai", "yes", "answered"), edge("ai", "sorry", "error")],
    )
    execution_id = f"e-{uuid.uuid4().hex[:8]}"
    await js.publish(input_subject(workspace, execution_id), start(execution_id, workspace, flow))
    await eventually(lambda: len(sent) == 1, timeout=20)
    assert sent[0][1].message["body"] == "Let me get a colleague"
    assert asked == [f"{execution_id}-1", f"{execution_id}-1a2"]
