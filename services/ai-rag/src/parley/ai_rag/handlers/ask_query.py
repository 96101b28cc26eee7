"""ask: the app's "try it" question, answered like an AI node's and counted the same way.

One `ai_answers` unit is reserved first (keyed by the request id, so a retried ask counts once);
refused, nothing is asked (PLAN_LIMIT_REACHED with the limit's words). The answer is published
as QuestionAnswered (no execution) so billing's meter counts it; a failure gives the unit back.
An ask repeated with the same request id answers what was recorded, without the model.
"""

from __future__ import annotations

from parley.ai_rag.handlers.answers import (
    Answered,
    Answering,
    Unavailable,
    answer_subject,
    msg_id,
)
from parley.contracts.ai.events import QuestionAnswered
from parley.contracts.ai.queries import AiProblem, Ask, AskReply
from parley.contracts.billing.entitlements import AI_ANSWERS
from parley.contracts.envelope import Envelope
from parley.contracts.subjects import InvalidSubjectToken
from parley.runtime.quotas import LimitReached, Quotas


def _reply(answered: Answered) -> AskReply:
    return AskReply(
        ok=True,
        answer=answered.answer,
        passages=answered.passages,
        cited=answered.cited,
        model=answered.model,
        prompt_tokens=answered.prompt_tokens,
        completion_tokens=answered.completion_tokens,
    )


class AskQuery:
    def __init__(self, answering: Answering, quotas: Quotas) -> None:
        self._answering = answering
        self._quotas = quotas

    async def ask(self, ws: str, query: Ask) -> AskReply:
        try:
            subject = answer_subject(ws, query.request_id)
        except InvalidSubjectToken:
            rule = "use letters, digits, '-', '_' or ':' (not starting with kb-), up to 128"
            return AskReply(ok=False, problems=(AiProblem(field="request_id", rule=rule),))
        recorded = await self._answering.recorded(subject)
        if isinstance(recorded, QuestionAnswered):
            return _reply(Answered.recorded(recorded))
        taken = await self._quotas.reserve(ws, AI_ANSWERS, key=query.request_id)
        if isinstance(taken, LimitReached):
            return AskReply(
                ok=False, problems=(AiProblem(field="", rule=taken.message, code=taken.code),)
            )
        try:
            answered = await self._answering.answer(ws, query.question, query.knowledge_base_id)
        except Unavailable as err:
            if taken is not None:
                await self._quotas.release(taken)
            code = "AI_UNAVAILABLE" if err.retryable else "AI_FAILED"
            return AskReply(ok=False, problems=(AiProblem(field="", rule=str(err), code=code),))
        event = answered.event(query.request_id, query.question, None)
        cause = Envelope.wrap(query, workspace_id=ws)
        await self._answering.publish(
            subject, cause.caused(event), msg_id("answered", ws, query.request_id)
        )
        return _reply(answered)
