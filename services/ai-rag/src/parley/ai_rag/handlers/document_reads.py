"""list-documents and get-document, from the read model (and the index for a document's
passages), scoped to the asking workspace."""

from __future__ import annotations

from parley.ai_rag.adapters.index_ref import IndexRef
from parley.ai_rag.adapters.knowledge_reads import KnowledgeReads
from parley.contracts.ai.queries import DocumentPage, DocumentReply, GetDocument, ListDocuments


class DocumentReads:
    def __init__(self, reads: KnowledgeReads, index: IndexRef) -> None:
        self._reads = reads
        self._index = index

    async def list(self, ws: str, query: ListDocuments) -> DocumentPage:
        items, cursor = await self._reads.documents(
            ws, query.knowledge_base_id, limit=query.limit, cursor=query.cursor, status=query.status
        )
        return DocumentPage(items=tuple(items), next_cursor=cursor)

    async def get(self, ws: str, query: GetDocument) -> DocumentReply:
        found = await self._reads.document(ws, query.knowledge_base_id, query.document_id)
        if found is None:
            return DocumentReply(document=None)
        passages = []
        if query.passages:
            passages = await self._index.workspace(ws).passages(
                query.knowledge_base_id, query.document_id, query.passages
            )
        return DocumentReply(document=found, passages=tuple(passages))
