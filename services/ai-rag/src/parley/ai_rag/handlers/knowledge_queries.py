"""list-knowledge-bases, get-knowledge-base, change-knowledge-base (create, rename, delete).

Changes are decided on the knowledge base's log and answered from the state they produced;
reads come from the read model. Everything is scoped to the envelope's workspace: a knowledge
base of another workspace is simply not there.
"""

from __future__ import annotations

from datetime import UTC, datetime

from parley.ai_rag.adapters.knowledge_reads import KnowledgeReads
from parley.ai_rag.adapters.knowledge_store import KnowledgeStore
from parley.ai_rag.domain.knowledge_base import (
    CreateKnowledgeBase,
    DeleteKnowledgeBase,
    KnowledgeBaseCommand,
    KnowledgeBaseRefused,
    RenameKnowledgeBase,
)
from parley.ai_rag.handlers.views import knowledge_base_view, problem
from parley.contracts.ai.queries import (
    ChangeKnowledgeBase,
    GetKnowledgeBase,
    KnowledgeBaseChangeResult,
    KnowledgeBasePage,
    KnowledgeBaseReply,
    ListKnowledgeBases,
)
from parley.contracts.envelope import Envelope


class KnowledgeQueries:
    def __init__(self, store: KnowledgeStore, reads: KnowledgeReads, embedder: str) -> None:
        self._store = store
        self._reads = reads
        self._embedder = embedder

    async def list(self, ws: str, query: ListKnowledgeBases) -> KnowledgeBasePage:
        items, cursor = await self._reads.knowledge_bases(
            ws, limit=query.limit, cursor=query.cursor
        )
        return KnowledgeBasePage(items=tuple(items), next_cursor=cursor)

    async def get(self, ws: str, query: GetKnowledgeBase) -> KnowledgeBaseReply:
        found = await self._reads.knowledge_base(ws, query.knowledge_base_id)
        return KnowledgeBaseReply(knowledge_base=found)

    async def change(self, ws: str, query: ChangeKnowledgeBase) -> KnowledgeBaseChangeResult:
        at = datetime.now(UTC)
        command: KnowledgeBaseCommand
        if query.action == "create":
            command = CreateKnowledgeBase(
                query.knowledge_base_id, query.name.strip(), query.description, self._embedder, at
            )
        elif query.action == "rename":
            command = RenameKnowledgeBase(query.name.strip(), query.description, at)
        else:
            command = DeleteKnowledgeBase(at)
        try:
            outcome = await self._store.change(
                ws, query.knowledge_base_id, command, Envelope.wrap(query, workspace_id=ws)
            )
        except KnowledgeBaseRefused as refused:
            return KnowledgeBaseChangeResult(ok=False, problems=(problem(refused),))
        view = knowledge_base_view(outcome.state) if outcome.state.exists else None
        return KnowledgeBaseChangeResult(ok=True, knowledge_base=view)
