"""Knowledge bases: a workspace's documents that AI nodes answer from.

A knowledge base is event-sourced on `ai.evt.<ws>.<knowledge_base_id>`. Uploaded files are
streamed by the gateway into the JetStream object store bucket `DOCUMENTS_BUCKET` under
`document_object_name(...)`; ai-rag reads them back to index them, and again to re-index. Each
change of a document's content is a new `revision`; its passages replace the old revision's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.messages import Event

DOCUMENTS_BUCKET = "ai_documents"

KnowledgeBaseIdField = Field(min_length=4, max_length=64, pattern=r"^kb-[A-Za-z0-9_\-]+$")
DocumentIdField = Field(min_length=5, max_length=64, pattern=r"^doc-[A-Za-z0-9_\-]+$")
TitleField = Field(default="", max_length=300)

# text/markdown/html are given inline or uploaded; pdf is uploaded; url is fetched by ai-rag
# (through the outbound-address guard); faq is question/answer pairs, one passage each.
DocumentFormat = Literal["text", "markdown", "html", "pdf", "url", "faq"]
DocumentStatus = Literal["indexing", "indexed", "failed"]


def document_object_name(workspace_id: str, document_id: str, revision: int) -> str:
    """Named by workspace too: one workspace can neither collide with nor index another's file."""
    return f"{workspace_id}/{document_id}/{revision}"


class FaqPair(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    question: str = Field(min_length=1, max_length=1000)
    answer: str = Field(min_length=1, max_length=4000)


class Passage(BaseModel):
    """A retrieved chunk of a document, as an answer cites it and an execution records it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    document_id: str
    knowledge_base_id: str = ""
    title: str = ""
    heading: str = ""  # the heading path the chunk sits under, "Pricing > Refunds"
    chunk: int = 0  # position within the document's revision
    text: str = Field(default="", max_length=4000)
    score: float = 0.0  # relevance, 0..1, compared with the no-answer threshold


class KnowledgeBaseCreated(Event, wire_name="ai.KnowledgeBaseCreated", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=1000)
    embedder: str  # the embedder whose collection holds its passages, e.g. "offline-ngram-v1"
    at: datetime


class KnowledgeBaseRenamed(Event, wire_name="ai.KnowledgeBaseRenamed", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=1000)
    at: datetime


class KnowledgeBaseDeleted(Event, wire_name="ai.KnowledgeBaseDeleted", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    at: datetime


class DocumentAdded(Event, wire_name="ai.DocumentAdded", version=1):
    """A new document, or new content for an existing one (`revision` > 1)."""

    knowledge_base_id: str = KnowledgeBaseIdField
    document_id: str = DocumentIdField
    revision: int = Field(ge=1)
    format: DocumentFormat
    title: str = TitleField
    source_url: str = Field(default="", max_length=2048)  # format url: what to fetch
    object_name: str = Field(default="", max_length=300)  # the content in DOCUMENTS_BUCKET
    size_bytes: int = Field(default=0, ge=0)
    content_sha256: str = Field(default="", max_length=64)
    at: datetime


class DocumentIndexed(Event, wire_name="ai.DocumentIndexed", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    document_id: str = DocumentIdField
    revision: int = Field(ge=1)
    chunks: int = Field(ge=0)
    embedder: str
    title: str = TitleField  # the title found in the content when none was given
    at: datetime


class DocumentIndexFailed(Event, wire_name="ai.DocumentIndexFailed", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    document_id: str = DocumentIdField
    revision: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=1000)  # what the user can fix
    at: datetime


class DocumentRemoved(Event, wire_name="ai.DocumentRemoved", version=1):
    knowledge_base_id: str = KnowledgeBaseIdField
    document_id: str = DocumentIdField
    at: datetime
