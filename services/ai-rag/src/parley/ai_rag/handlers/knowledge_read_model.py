"""Projects the knowledge-base events into `knowledge_bases` and `documents`.

Follows `ai.evt.>` (question events share the stream and are passed over by their type header,
undecoded). Applied inside the checkpoint's transaction, so each event counts once, and
`parley replay projections ai-rag` rebuilds both tables from the log.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.ai_rag.adapters.tables import documents, in_schema, knowledge_bases
from parley.contracts.ai.knowledge import (
    DocumentAdded,
    DocumentIndexed,
    DocumentIndexFailed,
    DocumentRemoved,
    KnowledgeBaseCreated,
    KnowledgeBaseDeleted,
    KnowledgeBaseRenamed,
)
from parley.contracts.streams import AI
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore import StoredEvent

CONSUMER = ConsumerSpec(
    stream=AI.name,
    durable="ai-rag-knowledge-read-model",
    filter_subjects=("ai.evt.>",),
    max_deliver=10,
)
_EVENTS = (
    KnowledgeBaseCreated,
    KnowledgeBaseRenamed,
    KnowledgeBaseDeleted,
    DocumentAdded,
    DocumentIndexed,
    DocumentIndexFailed,
    DocumentRemoved,
)


class KnowledgeReadModel:
    name = "knowledge"
    handles = frozenset(event.wire_name for event in _EVENTS)

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        conn = await in_schema(conn, schema)
        await conn.execute(sa.delete(documents))
        await conn.execute(sa.delete(knowledge_bases))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        message = event.message
        if not isinstance(message, _EVENTS):
            return
        conn = await in_schema(conn, schema)
        ws = event.envelope.workspace_id
        kb = (knowledge_bases.c.workspace_id == ws) & (
            knowledge_bases.c.knowledge_base_id == message.knowledge_base_id
        )
        in_kb = (documents.c.workspace_id == ws) & (
            documents.c.knowledge_base_id == message.knowledge_base_id
        )
        if isinstance(message, KnowledgeBaseCreated):
            row = {
                "workspace_id": ws,
                "knowledge_base_id": message.knowledge_base_id,
                "name": message.name,
                "description": message.description,
                "embedder": message.embedder,
                "created_at": message.at,
                "updated_at": message.at,
            }
            await conn.execute(insert(knowledge_bases).values(row).on_conflict_do_nothing())
            return
        if isinstance(message, KnowledgeBaseRenamed):
            changes = {"name": message.name, "description": message.description}
            await conn.execute(
                sa.update(knowledge_bases).where(kb).values(**changes, updated_at=message.at)
            )
            return
        if isinstance(message, KnowledgeBaseDeleted):
            await conn.execute(sa.delete(documents).where(in_kb))
            await conn.execute(sa.delete(knowledge_bases).where(kb))
            return
        await conn.execute(sa.update(knowledge_bases).where(kb).values(updated_at=message.at))
        document = in_kb & (documents.c.document_id == message.document_id)
        if isinstance(message, DocumentAdded):
            await _added(conn, ws, message)
        elif isinstance(message, DocumentIndexed):
            current = document & (documents.c.revision == message.revision)
            title = sa.func.coalesce(sa.func.nullif(documents.c.title, ""), message.title)
            await conn.execute(
                sa.update(documents)
                .where(current)
                .values(
                    status="indexed",
                    chunks=message.chunks,
                    embedder=message.embedder,
                    title=title,
                    error="",
                    updated_at=message.at,
                    indexed_at=message.at,
                )
            )
            # The knowledge base shows the embedder its passages were last built with.
            await conn.execute(
                sa.update(knowledge_bases).where(kb).values(embedder=message.embedder)
            )
        elif isinstance(message, DocumentIndexFailed):
            current = document & (documents.c.revision == message.revision)
            await conn.execute(
                sa.update(documents)
                .where(current)
                .values(status="failed", chunks=0, error=message.reason, updated_at=message.at)
            )
        elif isinstance(message, DocumentRemoved):
            await conn.execute(sa.delete(documents).where(document))


async def _added(conn: AsyncConnection, ws: str, message: DocumentAdded) -> None:
    row = {
        "workspace_id": ws,
        "knowledge_base_id": message.knowledge_base_id,
        "document_id": message.document_id,
        "format": message.format,
        "title": message.title,
        "source_url": message.source_url,
        "revision": message.revision,
        "status": "indexing",
        "chunks": 0,
        "size_bytes": message.size_bytes,
        "embedder": "",
        "error": "",
        "created_at": message.at,
        "updated_at": message.at,
        "indexed_at": None,
    }
    upsert = insert(documents).values(row)
    keep = {"workspace_id", "knowledge_base_id", "document_id", "created_at", "embedder"}
    await conn.execute(
        upsert.on_conflict_do_update(
            index_elements=[
                documents.c.workspace_id,
                documents.c.knowledge_base_id,
                documents.c.document_id,
            ],
            set_={k: upsert.excluded[k] for k in row if k not in keep},
        )
    )
