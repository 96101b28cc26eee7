"""AnswerQuestion commands through the running service with the chat answerer against the fake
OpenAI server: answers cite passages that exist, off-topic questions get the no-answer without a
model call, a redelivered command is answered once, an unavailable model is a retryable failure."""

from __future__ import annotations

import uuid
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.ai_rag.testing.fake_openai import FakeOpenAi
from parley.ai_rag.testing.harness import StartAiRag
from parley.ai_rag.testing.labelled import load_corpus
from parley.contracts.ai.commands import AnswerQuestion
from parley.contracts.ai.events import QuestionAnswered, QuestionFailed
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.contracts.registry import registry
from parley.contracts.streams import AI
from parley.runtime.testing.plugin import eventually

CORPUS = load_corpus()
KB = "kb-bakery"


async def answers_on(js: JetStreamContext, ws: str) -> list[Message]:
    seen: list[Message] = []

    async def keep(msg: Any) -> None:
        if not msg.subject.endswith(KB):  # the knowledge base's own events share the subjects
            seen.append(registry.decode(Envelope.from_bytes(msg.data)))

    await js.subscribe(f"ai.evt.{ws}.*", cb=keep, ordered_consumer=True)
    return seen


async def ask(js: JetStreamContext, ws: str, request_id: str, question: str, msg_id: str) -> None:
    command = AnswerQuestion(request_id=request_id, question=question, execution_id="e-1")
    await js.publish(
        f"ai.cmd.{ws}.{request_id}",
        Envelope.wrap(command, workspace_id=ws).to_bytes(),
        headers={"Nats-Msg-Id": msg_id},
    )


async def all_handled(js: JetStreamContext) -> bool:
    info = await js.consumer_info(AI.name, "ai-rag-questions")
    return bool(info.num_pending == 0 and info.num_ack_pending == 0)


async def test_questions_are_answered_once_from_existing_passages(
    start_ai_rag: StartAiRag, nc: NatsClient, fake_openai: FakeOpenAi
) -> None:
    js = nc.jetstream()
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    hours = next(d for d in CORPUS.documents if d.document_id == "doc-hours")
    settings = {
        "answerer": "openai",
        "openai_api_key": fake_openai.api_key,
        "openai_base_url": fake_openai.base_url,
        "openai_chat_model": "gpt-fake",
    }
    async with start_ai_rag(**settings) as ai:
        assert (await ai.create(ws, KB)).ok
        added = await ai.add(ws, KB, "doc-hours", format="markdown", text=hours.path.read_text())
        assert added.ok
        await ai.until_settled(ws, KB, {"doc-hours": 1})
        seen = await answers_on(js, ws)

        await ask(js, ws, "q-1", "What time do you open on Saturday?", "q-1")
        await eventually(lambda: len(seen) == 1, timeout=15)
        [answered] = seen
        assert isinstance(answered, QuestionAnswered)
        assert answered.answer
        assert answered.sources
        assert {s.document_id for s in answered.sources} == {"doc-hours"}
        assert {p.document_id for p in answered.passages} == {"doc-hours"}
        assert answered.question == "What time do you open on Saturday?"
        assert answered.model == "gpt-fake"
        assert answered.prompt_tokens > 0
        assert answered.completion_tokens > 0
        assert answered.execution_id == "e-1"
        assert fake_openai.calls["chat"] == 1

        # Delivered again after the duplicate window (another msg id): the recorded answer
        # stands, the model is not called again, nothing new is published.
        await ask(js, ws, "q-1", "What time do you open on Saturday?", "q-1-again")
        await eventually(lambda: all_handled(js), timeout=15)
        assert fake_openai.calls["chat"] == 1
        assert len(seen) == 1

        # Off topic: below the relevance threshold, the no-answer, without a model call.
        await ask(js, ws, "q-2", CORPUS.off_topic[0], "q-2")
        await eventually(lambda: len(seen) == 2, timeout=15)
        off = seen[1]
        assert isinstance(off, QuestionAnswered)
        assert (off.answer, off.sources, off.model) == ("", (), "")
        assert fake_openai.calls["chat"] == 1

        # The model unavailable (the client's retry fails too): a retryable failure.
        fake_openai.fail(500, times=2)
        await ask(js, ws, "q-3", "Are you open on Sundays?", "q-3")
        await eventually(lambda: len(seen) == 3, timeout=30)
        failed = seen[2]
        assert isinstance(failed, QuestionFailed)
        assert failed.retryable
        assert "gpt-fake" in failed.reason
