"""Answers: retrieve the workspace's passages, decide whether they can answer, ask the answerer.

Two ways in, one way of answering:
- `AnswerQuestion` commands (an AI node's question, on `ai.cmd.<ws>.<request>`) are answered
  with QuestionAnswered, or QuestionFailed when the embedder or the model is unavailable
  (retryable as they say), on `ai.evt.<ws>.<request>`;
- the `ask` query (the app's "try it"), which also takes one `ai_answers` unit of the plan.

Once per request: the answer is published with `Nats-Msg-Id: answered:<ws>:<request_id>` (the
workspace too: an app's request ids are its own choice, and the duplicate window is the whole
stream's), and before answering we look at the request's own event subject (a direct get of
its last message). The answer itself is the record that it was answered, so a redelivered
command, or an `ask` sent again with the same id, reads what was recorded and never calls the
model a second time; no separate KV can disagree with the log, and unlike the duplicate window
it never expires. Two
deliveries of one command in flight at the very same moment (an ack wait running out mid-answer)
can still both call the model; the msg id then keeps one answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.errors import NotFoundError

from parley.ai_rag.adapters.answerers import Answerer, AnswererUnavailable
from parley.ai_rag.adapters.embedders import EmbedderUnavailable
from parley.ai_rag.adapters.index_ref import IndexRef
from parley.ai_rag.domain.relevance import answerable
from parley.contracts.ai.commands import AnswerQuestion
from parley.contracts.ai.events import AnswerSource, QuestionAnswered, QuestionFailed
from parley.contracts.ai.knowledge import Passage
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.contracts.registry import registry
from parley.contracts.streams import AI
from parley.contracts.subjects import InvalidSubjectToken, command_token, event_subject
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.commits import types_of
from parley.runtime.logs import get_logger

log = get_logger("parley.ai_rag.answers")

Unavailable = (EmbedderUnavailable, AnswererUnavailable)


def consumer_spec(concurrency: int) -> ConsumerSpec:
    return ConsumerSpec(
        stream=AI.name,
        durable="ai-rag-questions",
        filter_subjects=("ai.cmd.>",),
        max_deliver=5,
        ack_wait=90.0,  # a chat completion within the model's timeout, plus the search
        concurrency=concurrency,
    )


def answer_subject(workspace_id: str, request_id: str) -> str:
    """Where a request's answer goes. A knowledge base's subject is `kb-...`: a request id
    spelled like one would land in that log, so it is refused (InvalidSubjectToken)."""
    token = command_token(request_id)
    if token.startswith("kb-"):
        raise InvalidSubjectToken("request_id", request_id)
    return event_subject("ai", workspace_id, token)


def msg_id(kind: str, workspace_id: str, request_id: str) -> str:
    return f"{kind}:{workspace_id}:{request_id}"


@dataclass(frozen=True)
class Answered:
    answer: str
    cited: tuple[int, ...]  # 0-based positions in passages
    passages: tuple[Passage, ...]
    model: str
    prompt_tokens: int
    completion_tokens: int

    def event(self, request_id: str, question: str, execution_id: str | None) -> QuestionAnswered:
        sources = tuple(
            AnswerSource(
                document_id=self.passages[i].document_id,
                title=self.passages[i].title,
                snippet=self.passages[i].text[:1000],
            )
            for i in self.cited
        )
        return QuestionAnswered(
            request_id=request_id,
            execution_id=execution_id,
            answer=self.answer[:4096],
            sources=sources,
            at=datetime.now(UTC),
            question=question[:2000],
            passages=self.passages,
            model=self.model,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
        )

    @classmethod
    def recorded(cls, event: QuestionAnswered) -> Answered:
        cited = tuple(
            i
            for i, p in enumerate(event.passages)
            if any(
                s.document_id == p.document_id and s.snippet == p.text[:1000] for s in event.sources
            )
        )
        return cls(
            event.answer,
            cited,
            event.passages,
            event.model,
            event.prompt_tokens,
            event.completion_tokens,
        )


class Answering:
    def __init__(
        self, nc: NatsClient, index: IndexRef, answerer: Answerer, *, threshold: float, limit: int
    ) -> None:
        self._nc = nc
        self._index = index
        self._answerer = answerer
        self._threshold = threshold
        self._limit = limit

    async def answer(self, workspace_id: str, question: str, knowledge_base_id: str) -> Answered:
        """Raises EmbedderUnavailable / AnswererUnavailable."""
        passages = tuple(
            await self._index.workspace(workspace_id).search(
                question, knowledge_base_id=knowledge_base_id, limit=self._limit
            )
        )
        if not answerable(passages, self._threshold):
            return Answered("", (), passages, "", 0, 0)  # below the threshold: no model call
        answer = await self._answerer.answer(question, passages)
        cited = tuple(i - 1 for i in answer.cited if 1 <= i <= len(passages))
        return Answered(
            answer.text,
            cited if answer.text else (),
            passages,
            answer.model,
            answer.prompt_tokens,
            answer.completion_tokens,
        )

    async def recorded(self, subject: str) -> Message | None:
        """The answer (or failure) already published for a request, if any."""
        try:
            raw = await self._nc.jetstream().get_msg(AI.name, subject=subject, direct=True)
        except NotFoundError:
            return None
        if raw.data is None:
            return None
        return registry.decode(Envelope.from_bytes(raw.data))

    async def publish(self, subject: str, envelope: Envelope, msg_id: str) -> None:
        await self._nc.jetstream().publish(
            subject,
            envelope.to_bytes(),
            headers={
                "Nats-Msg-Id": msg_id,
                "Parley-Type": envelope.type,
                "Parley-Workspace": envelope.workspace_id,
            },
        )


class QuestionAnswering:
    """The consumer of AnswerQuestion commands."""

    def __init__(self, answering: Answering) -> None:
        self._answering = answering

    async def handle(self, msg: Msg) -> None:
        types = types_of(msg.headers)
        if types is not None and AnswerQuestion.wire_name not in types:
            return
        envelope = Envelope.from_bytes(msg.data)
        command = registry.decode(envelope)
        if not isinstance(command, AnswerQuestion):
            return
        ws = envelope.workspace_id
        if msg.subject.split(".")[2:3] != [ws]:
            log.warning("question on another workspace's subject ignored", subject=msg.subject)
            return
        try:
            subject = answer_subject(ws, command.request_id)
        except InvalidSubjectToken as err:
            log.warning("question not answerable", error=str(err))
            return
        if await self._answering.recorded(subject) is not None:
            return  # answered before this delivery: never ask the model twice
        try:
            answered = await self._answering.answer(ws, command.question, command.knowledge_base_id)
        except Unavailable as err:
            failed = QuestionFailed(
                request_id=command.request_id,
                execution_id=command.execution_id,
                reason=str(err)[:1000] or type(err).__name__,
                retryable=err.retryable,
                at=datetime.now(UTC),
            )
            await self._answering.publish(
                subject, envelope.caused(failed), msg_id("failed", ws, command.request_id)
            )
            return
        event = answered.event(command.request_id, command.question, command.execution_id)
        await self._answering.publish(
            subject, envelope.caused(event), msg_id("answered", ws, command.request_id)
        )
        log.info(
            "question answered",
            request_id=command.request_id,
            answered=bool(answered.answer),
            model=answered.model,
        )
