"""An AI answer is recorded whole in the execution (question, passages, answer, sources, model,
tokens), the replay timeline shows it, and replaying the log asks nothing of ai-rag."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.ai.commands import AnswerQuestion
from parley.contracts.ai.events import AnswerSource, QuestionAnswered
from parley.contracts.ai.knowledge import Passage
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ExternalCallAnswered
from parley.contracts.executions.inputs import DeliverExternalAnswer
from parley.contracts.executions.queries import ExecutionReplay, GetExecutionReplay
from parley.contracts.streams import AI, FLOW_ENGINE, MESSAGING
from parley.flow_engine.domain.execution.replay import recorded_inputs
from parley.flow_engine.testing.graphs import edge, graph, node, text
from parley.flow_engine.testing.routing import bodies, collect, has, start
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service
from parley.runtime.streams import ensure_stream
from parley.runtime.testing.plugin import eventually


async def test_the_whole_answer_is_recorded_and_the_replay_reads_it_back(
    flow_engine: Service, nc: NatsClient
) -> None:
    js = nc.jetstream()
    await ensure_stream(js, MESSAGING)
    await ensure_stream(js, AI)
    ws = f"ws-{uuid.uuid4().hex[:8]}"
    asked = await collect(js, f"ai.cmd.{ws}.>")
    sent = await collect(js, f"messaging.cmd.{ws}.>")
    flow = graph(
        [
            node("ai", "ai_answer", question="When do you open?", save_to="answer"),
            text("yes", "{{vars.answer}}"),
        ],
        [edge("ai", "yes", "answered")],
        variables=[{"name": "answer"}],
    )
    execution_id = f"e-{uuid.uuid4().hex[:8]}"
    await start(js, ws, execution_id, flow)
    await eventually(has(asked, 1))
    question = asked[0]
    assert isinstance(question, AnswerQuestion)

    passage = Passage(
        document_id="doc-hours", knowledge_base_id="kb-1", title="Hours", text="We open at 8.",
        score=0.8,
    )  # fmt: skip
    answered = QuestionAnswered(
        request_id=question.request_id,
        execution_id=execution_id,
        answer="We open at 8. [1]",
        sources=(AnswerSource(document_id="doc-hours", title="Hours", snippet="We open at 8."),),
        at=datetime.now(UTC),
        question="When do you open?",
        passages=(passage,),
        model="gpt-test",
        prompt_tokens=120,
        completion_tokens=7,
    )
    await js.publish(
        f"ai.evt.{ws}.{question.request_id}", Envelope.wrap(answered, workspace_id=ws).to_bytes()
    )
    await eventually(has(sent, 1))
    assert bodies(sent) == ["We open at 8. [1]"]

    log = await EventStore(nc, FLOW_ENGINE.name).load(f"exec.evt.{ws}.{execution_id}")
    [recorded] = [e.message for e in log if isinstance(e.message, ExternalCallAnswered)]
    assert recorded.port == "answered"
    assert recorded.result["question"] == "When do you open?"
    assert recorded.result["model"] == "gpt-test"
    assert (recorded.result["prompt_tokens"], recorded.result["completion_tokens"]) == (120, 7)
    assert recorded.result["passages"] == [passage.model_dump(mode="json")]

    # The replay's inputs carry the recorded answer: nothing to ask ai-rag for.
    inputs = recorded_inputs([e.message for e in log])
    answers = [i for i in inputs if isinstance(i, DeliverExternalAnswer)]
    assert [a.result["answer"] for a in answers] == ["We open at 8. [1]"]

    query = Envelope.wrap(GetExecutionReplay(execution_id=execution_id), workspace_id=ws)

    async def replayed() -> ExecutionReplay | None:
        reply = await nc.request(
            "parley.q.flow-engine.execution-replay", query.to_bytes(), timeout=5
        )
        if (reply.headers or {}).get("Nats-Service-Error-Code"):
            return None
        return ExecutionReplay.model_validate_json(reply.data)

    async def answer_projected() -> bool:
        replay = await replayed()
        return replay is not None and any(
            s.event == ExternalCallAnswered.wire_name for s in replay.steps
        )

    await eventually(answer_projected, timeout=10)
    replay = await replayed()
    assert replay is not None
    [step] = [s for s in replay.steps if s.event == ExternalCallAnswered.wire_name]
    assert step.detail["result"]["model"] == "gpt-test"
    assert step.detail["result"]["completion_tokens"] == 7
    assert len(asked) == 1  # replaying asked nothing
