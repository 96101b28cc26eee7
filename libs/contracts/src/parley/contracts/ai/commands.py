"""Commands to the ai-rag service, on `ai.cmd.<workspace>.<request_id>`."""

from __future__ import annotations

from pydantic import Field

from parley.contracts.messages import Command


class AnswerQuestion(Command, wire_name="ai.AnswerQuestion", version=1):
    """Answer `question` from the workspace's documents, or say there is no answer.

    `request_id` is deterministic (a flow's is its wait token) and is the message's Nats-Msg-Id,
    so a redelivered request is asked once. The answer comes back as QuestionAnswered or
    QuestionFailed on `ai.evt.<workspace>.<request_id>`.
    """

    request_id: str = Field(min_length=1, max_length=200)
    question: str = Field(min_length=1, max_length=2000)
    knowledge_base_id: str = Field(default="", max_length=64)  # empty: every knowledge base
    contact_id: str = Field(default="", max_length=128)
    language: str = Field(default="", max_length=16)
    execution_id: str | None = None
