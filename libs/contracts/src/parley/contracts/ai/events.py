"""Events of the ai-rag service about questions, on `ai.evt.<workspace>.<request_id>`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.ai.knowledge import Passage
from parley.contracts.messages import Event


class AnswerSource(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    document_id: str
    title: str = ""
    snippet: str = Field(default="", max_length=1000)


class QuestionAnswered(Event, wire_name="ai.QuestionAnswered", version=1):
    """An empty `answer` means the documents do not answer the question (not an error).

    Everything the answer was made from is here (question, passages, model, tokens), so the
    execution that records it can be replayed without asking the model again.
    """

    request_id: str
    execution_id: str | None = None
    answer: str = Field(default="", max_length=4096)
    sources: tuple[AnswerSource, ...] = ()  # the passages the answer cites
    at: datetime
    question: str = Field(default="", max_length=2000)
    passages: tuple[Passage, ...] = ()  # everything retrieved, best first
    model: str = ""  # "extractive" offline, else the chat model
    prompt_tokens: int = 0
    completion_tokens: int = 0


class QuestionFailed(Event, wire_name="ai.QuestionFailed", version=1):
    request_id: str
    execution_id: str | None = None
    reason: str = Field(min_length=1, max_length=1000)
    retryable: bool = False
    at: datetime
