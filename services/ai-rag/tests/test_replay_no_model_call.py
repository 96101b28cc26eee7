"""Acceptance: a published flow's AI node answered end to end by the running flow-engine and
ai-rag (chat answers from the fake OpenAI server), then the execution replayed: the model was
called once, and still once after the replay, which shows the recorded answer, model and tokens.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from nats.aio.client import Client as NatsClient

from parley.ai_rag.testing.fake_openai import FakeOpenAi
from parley.ai_rag.testing.harness import StartAiRag
from parley.ai_rag.testing.labelled import load_corpus
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot, ExternalCallAnswered
from parley.contracts.executions.inputs import StartExecution
from parley.contracts.executions.queries import ExecutionReplay, GetExecutionReplay
from parley.contracts.flows.graph import FlowGraph
from parley.flow_engine.app import build as build_flow_engine
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.flow_engine.settings import FlowEngineSettings
from parley.flow_engine.testing.graphs import edge, graph, node, text
from parley.flow_engine.testing.routing import bodies, collect, has, publish_flow
from parley.runtime.embedded import free_port
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

KB = "kb-bakery"
QUESTION = "What time do you open on Saturday?"


@pytest.fixture
async def flow_engine(nats_url: str, database_url: str) -> AsyncIterator[Service]:
    settings = FlowEngineSettings(
        nats_url=nats_url, database_url=database_url, health_port=free_port()
    )
    service = build_flow_engine(settings)
    task = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    yield service
    service.stop()
    await asyncio.wait_for(task, 15)


def bot() -> FlowGraph:
    return graph(
        [
            node("ai", "ai_answer", question=QUESTION, knowledge_base_id=KB, save_to="answer"),
            text("yes", "{{vars.answer}}"),
            text("none", "Let me find a colleague"),
            text("oops", "Something went wrong"),
        ],
        [
            edge("ai", "yes", "answered"),
            edge("ai", "none", "no_answer"),
            edge("ai", "oops", "error"),
        ],
        variables=[{"name": "answer"}],
        triggers=[{"kind": "api"}],
    )


async def replay(nc: NatsClient, ws: str, query: GetExecutionReplay) -> ExecutionReplay | None:
    request = Envelope.wrap(query, workspace_id=ws)
    reply = await nc.request(
        "parley.q.flow-engine.execution-replay", request.to_bytes(), timeout=10
    )
    if (reply.headers or {}).get("Nats-Service-Error-Code"):
        return None
    return ExecutionReplay.model_validate_json(reply.data)


async def test_an_ai_node_answered_end_to_end_then_replayed_without_a_model_call(
    start_ai_rag: StartAiRag, flow_engine: Service, nc: NatsClient, fake_openai: FakeOpenAi
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    hours = next(d for d in load_corpus().documents if d.document_id == "doc-hours")
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    asked = await collect(js, f"ai.cmd.{ws}.>")
    chat = {
        "answerer": "openai",
        "openai_api_key": fake_openai.api_key,
        "openai_base_url": fake_openai.base_url,
        "openai_chat_model": "gpt-fake",
    }
    async with start_ai_rag(**chat) as ai:
        assert (await ai.create(ws, KB, "Bakery")).ok
        added = await ai.add(ws, KB, "doc-hours", format="markdown", text=hours.path.read_text())
        assert added.ok
        await ai.until_settled(ws, KB, {"doc-hours": 1})

        await publish_flow(nc, ws, "bot", bot())
        execution_id = f"e-{uuid.uuid4().hex[:8]}"
        start = StartExecution(
            execution_id=execution_id,
            flow_id="bot",
            flow_version=1,
            graph=bot(),
            contact=ContactSnapshot(contact_id="c-1", name="Ada"),
            trigger="api",
            at=datetime.now(UTC),
        )
        await js.publish(
            input_subject(ws, execution_id), Envelope.wrap(start, workspace_id=ws).to_bytes()
        )
        await eventually(has(sent, 1), timeout=30)
        [answer] = bodies(sent)
        assert answer not in ("Let me find a colleague", "Something went wrong")
        assert "[1]" in answer  # the fake model cites the passage it answered from
        assert fake_openai.calls["chat"] == 1
        assert len(asked) == 1

    # ai-rag stopped: whatever the replay needs must come from the execution's log.
    full = GetExecutionReplay(execution_id=execution_id, against_version=1)

    async def replayed() -> bool:
        found = await replay(nc, ws, full)
        return found is not None and any(
            s.event == ExternalCallAnswered.wire_name for s in found.steps
        )

    await eventually(replayed, timeout=15)
    result = await replay(nc, ws, full)
    assert result is not None
    [step] = [s for s in result.steps if s.event == ExternalCallAnswered.wire_name]
    recorded = step.detail["result"]
    assert step.detail["port"] == "answered"
    assert recorded["answer"] == answer
    assert recorded["question"] == QUESTION
    assert recorded["model"] == "gpt-fake"
    assert recorded["prompt_tokens"] > 0
    assert recorded["completion_tokens"] > 0
    assert {p["document_id"] for p in recorded["passages"]} == {"doc-hours"}
    assert {s["document_id"] for s in recorded["sources"]} == {"doc-hours"}
    # Replayed against the same version: the same path, from the recorded answer.
    assert result.divergence is not None
    assert result.divergence.diverges_at is None
    assert result.divergence.replayed_status == result.divergence.recorded_status
    assert fake_openai.calls["chat"] == 1
    assert len(asked) == 1
