"""ai-rag's answers to the questions AI nodes asked become inputs of their executions.

QuestionAnswered with text takes the node's `answered` port, with an empty answer `no_answer`.
Its whole result goes into the input, and so into the execution's ExternalCallAnswered: the
question, the passages retrieved, the answer and its sources, the model and its token counts.
A replay reads the answer back from there and never asks ai-rag (or a model) again.
QuestionFailed is a failed attempt, retried if ai-rag says it may help (busy, timeout); the
`ai_answers` unit the attempt took (execution_effects) is given back, since nothing was answered.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.ai.events import QuestionAnswered, QuestionFailed
from parley.contracts.billing.entitlements import AI_ANSWERS
from parley.contracts.envelope import Envelope
from parley.contracts.executions.inputs import DeliverExternalAnswer
from parley.contracts.registry import registry
from parley.contracts.streams import AI
from parley.flow_engine.handlers.consumers import engine_consumer, event_type
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.runtime.quotas import Quotas, Reservation, counter_subjects

CONSUMER = engine_consumer(AI.name, "flow-engine-ai-answers", "ai.evt.>")
_ANSWERS = frozenset({QuestionAnswered.wire_name, QuestionFailed.wire_name})


class AiAnswers:
    def __init__(self, nc: NatsClient, quotas: Quotas | None = None) -> None:
        self._nc = nc
        self._quotas = quotas

    async def handle(self, msg: Msg) -> None:
        if event_type(msg) not in _ANSWERS:
            return
        envelope = Envelope.from_bytes(msg.data)
        event = registry.decode(envelope)
        if not isinstance(event, QuestionAnswered | QuestionFailed) or not event.execution_id:
            return  # a question someone else asked (the API, the live console)
        if isinstance(event, QuestionAnswered):
            answer = DeliverExternalAnswer(
                request_id=event.request_id,
                ok=True,
                result={
                    "answer": event.answer,
                    "sources": [s.model_dump(mode="json") for s in event.sources],
                    "question": event.question,
                    "passages": [p.model_dump(mode="json") for p in event.passages],
                    "model": event.model,
                    "prompt_tokens": event.prompt_tokens,
                    "completion_tokens": event.completion_tokens,
                },
                at=event.at,
            )
        else:
            await self._release(envelope.workspace_id, event)
            answer = DeliverExternalAnswer(
                request_id=event.request_id,
                ok=False,
                retryable=event.retryable,
                result={"error": event.reason},
                at=event.at,
            )
        await self._nc.jetstream().publish(
            input_subject(envelope.workspace_id, event.execution_id),
            envelope.caused(answer).to_bytes(),
            headers={"Nats-Msg-Id": f"answer:{event.request_id}"},
        )

    async def _release(self, workspace_id: str, failed: QuestionFailed) -> None:
        """Give back the unit the attempt took (keyed by its request id, so once)."""
        if self._quotas is None:
            return
        entitlements = await self._quotas.entitlements(workspace_id)
        if entitlements is None:
            return  # no plan: nothing was taken
        # The period of the failure: the question was asked moments before it.
        subjects = counter_subjects(entitlements, workspace_id, AI_ANSWERS, failed.at)
        await self._quotas.release(Reservation(subjects=subjects, key=failed.request_id, used=0))
