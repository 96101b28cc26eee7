"""Events of the ai-rag service about questions, on `ai.evt.<workspace>.<request_id>`."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.messages import Event


class AnswerSource(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    document_id: str
    title: str = ""
    snippet: str = Field(default="", max_length=1000)


class QuestionAnswered(Event, wire_name="ai.QuestionAnswered", version=1):
    """An empty `answer` means the documents do not answer the question (not an error)."""

    request_id: str
    execution_id: str | None = None
    answer: str = Field(default="", max_length=4096)
    sources: tuple[AnswerSource, ...] = ()
    at: datetime


class QuestionFailed(Event, wire_name="ai.QuestionFailed", version=1):
    request_id: str
    execution_id: str | None = None
    reason: str = Field(min_length=1, max_length=1000)
    retryable: bool = False
    at: datetime
