"""ai-rag over NATS request/reply, on `parley.q.ai-rag.<name>`: list-knowledge-bases,
get-knowledge-base, change-knowledge-base, add-document, remove-document, list-documents,
get-document, ask.

Each query is answered for the envelope's workspace only. A refused change answers `ok=False`
with problems naming the field and the rule (a plan limit too: code PLAN_LIMIT_REACHED).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.ai.knowledge import (
    DocumentFormat,
    DocumentIdField,
    DocumentStatus,
    FaqPair,
    KnowledgeBaseIdField,
    Passage,
    TitleField,
)
from parley.contracts.messages import Query, Reply

LimitField = Field(default=25, ge=1, le=100)
CursorField = Field(default="", max_length=512)


class AiProblem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    field: str  # dotted path of the request, "" for the request as a whole
    rule: str
    code: str = ""  # e.g. PLAN_LIMIT_REACHED, NOT_FOUND


class KnowledgeBaseView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    knowledge_base_id: str
    name: str
    description: str = ""
    embedder: str
    documents: int = 0
    indexed: int = 0
    indexing: int = 0
    failed: int = 0
    chunks: int = 0
    created_at: datetime
    updated_at: datetime


class DocumentView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    document_id: str
    knowledge_base_id: str
    format: DocumentFormat
    title: str = ""
    source_url: str = ""
    revision: int
    status: DocumentStatus
    chunks: int = 0
    size_bytes: int = 0
    embedder: str = ""
    error: str = ""  # why indexing failed
    created_at: datetime
    updated_at: datetime
    indexed_at: datetime | None = None


class ListKnowledgeBases(Query, wire_name="ai.ListKnowledgeBases", version=1):
    limit: int = LimitField
    cursor: str = CursorField


class KnowledgeBasePage(Reply, wire_name="ai.KnowledgeBasePage", version=1):
    items: tuple[KnowledgeBaseView, ...]
    next_cursor: str | None = None


class GetKnowledgeBase(Query, wire_name="ai.GetKnowledgeBase", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField


class KnowledgeBaseReply(Reply, wire_name="ai.KnowledgeBaseReply", version=1):
    knowledge_base: KnowledgeBaseView | None  # None: not in this workspace


class ChangeKnowledgeBase(Query, wire_name="ai.ChangeKnowledgeBase", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField  # chosen by the caller for create: a retry
    action: Literal["create", "rename", "delete"]  # creates one
    name: str = Field(default="", max_length=120)
    description: str = Field(default="", max_length=1000)


class KnowledgeBaseChangeResult(Reply, wire_name="ai.KnowledgeBaseChangeResult", version=1):
    ok: bool
    problems: tuple[AiProblem, ...] = ()
    knowledge_base: KnowledgeBaseView | None = None


class AddDocument(Query, wire_name="ai.AddDocument", version=1):
    """A new document (`document_id` not yet in the knowledge base) or new content for one.

    Content comes one way: `text` inline (text, markdown, html), `object_name` of an upload in
    DOCUMENTS_BUCKET (any format but url and faq), `url` (format url) or `faq` pairs (format faq).
    """

    knowledge_base_id: str = KnowledgeBaseIdField
    document_id: str = DocumentIdField
    format: DocumentFormat
    title: str = TitleField
    text: str = Field(default="", max_length=500_000)
    object_name: str = Field(default="", max_length=300)
    url: str = Field(default="", max_length=2048)
    faq: tuple[FaqPair, ...] = Field(default=(), max_length=500)


class RemoveDocument(Query, wire_name="ai.RemoveDocument", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    document_id: str = DocumentIdField


class DocumentChangeResult(Reply, wire_name="ai.DocumentChangeResult", version=1):
    ok: bool
    problems: tuple[AiProblem, ...] = ()
    document: DocumentView | None = None


class ListDocuments(Query, wire_name="ai.ListDocuments", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    status: DocumentStatus | None = None
    limit: int = LimitField
    cursor: str = CursorField


class DocumentPage(Reply, wire_name="ai.DocumentPage", version=1):
    items: tuple[DocumentView, ...]
    next_cursor: str | None = None


class GetDocument(Query, wire_name="ai.GetDocument", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    document_id: str = DocumentIdField
    passages: int = Field(default=20, ge=0, le=200)  # how many of its chunks to show


class DocumentReply(Reply, wire_name="ai.DocumentReply", version=1):
    document: DocumentView | None
    passages: tuple[Passage, ...] = ()


class Ask(Query, wire_name="ai.Ask", version=1):
    """A question asked from the app (the knowledge page's "try it"): answered like an AI node's
    question, and counted against the plan's ai_answers the same way."""

    request_id: str = Field(min_length=1, max_length=200)
    question: str = Field(min_length=1, max_length=2000)
    knowledge_base_id: str = Field(default="", max_length=64)  # empty: every knowledge base


class AskReply(Reply, wire_name="ai.AskReply", version=1):
    ok: bool
    problems: tuple[AiProblem, ...] = ()
    answer: str = ""  # empty with ok: the documents do not answer it (the no-answer port)
    passages: tuple[Passage, ...] = ()  # what was retrieved, best first
    cited: tuple[int, ...] = ()  # indexes into passages that the answer cites
    model: str = ""  # "extractive" offline, else the chat model
    prompt_tokens: int = 0
    completion_tokens: int = 0
