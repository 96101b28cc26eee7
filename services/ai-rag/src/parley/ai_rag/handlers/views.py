"""Replies built from a knowledge base's state right after a decision (the read model lags)."""

from __future__ import annotations

from datetime import UTC, datetime

from parley.ai_rag.domain.knowledge_base import Document, KnowledgeBase, KnowledgeBaseRefused
from parley.contracts.ai.queries import AiProblem, DocumentView, KnowledgeBaseView


def knowledge_base_view(state: KnowledgeBase) -> KnowledgeBaseView:
    docs = list(state.documents.values())
    at = state.created_at or datetime.now(UTC)
    return KnowledgeBaseView(
        knowledge_base_id=state.knowledge_base_id,
        name=state.name,
        description=state.description,
        embedder=state.embedder,
        documents=len(docs),
        indexed=sum(d.status == "indexed" for d in docs),
        indexing=sum(d.status == "indexing" for d in docs),
        failed=sum(d.status == "failed" for d in docs),
        chunks=sum(d.chunks for d in docs),
        created_at=at,
        updated_at=state.updated_at or at,
    )


def document_view(knowledge_base_id: str, doc: Document) -> DocumentView:
    return DocumentView(
        document_id=doc.document_id,
        knowledge_base_id=knowledge_base_id,
        format=doc.format,
        title=doc.title,
        source_url=doc.source_url,
        revision=doc.revision,
        status=doc.status,
        chunks=doc.chunks,
        size_bytes=doc.size_bytes,
        embedder=doc.embedder,
        error=doc.error,
        created_at=doc.created_at,
        updated_at=doc.updated_at,
        indexed_at=doc.indexed_at,
    )


def problem(refused: KnowledgeBaseRefused) -> AiProblem:
    return AiProblem(field=refused.field, rule=refused.rule, code=refused.code)
