"""Reads of the knowledge read model, every one scoped to one workspace in SQL.

Lists are keyset pages, newest first (created_at, then id). A cursor is base64url JSON naming
its listing, so one listing's cursor handed to another is refused rather than misread.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.ai_rag.adapters.tables import documents, in_schema, knowledge_bases
from parley.contracts.ai.knowledge import DocumentStatus
from parley.contracts.ai.queries import DocumentView, KnowledgeBaseView
from parley.runtime.queries import QueryRefused

MALFORMED = "cursor: not a cursor this listing issued"


def encode_cursor(listing: str, at: datetime, key: str) -> str:
    raw = json.dumps({"k": listing, "after": [at.isoformat(), key]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


def decode_cursor(listing: str, cursor: str) -> tuple[datetime, str]:
    try:
        body = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(body, dict) or body.get("k") != listing:
            raise ValueError(listing)
        at, key = body["after"]
        return datetime.fromisoformat(str(at)), str(key)
    except (ValueError, KeyError, TypeError):
        raise QueryRefused("400", MALFORMED) from None


def _counts() -> sa.Subquery:
    d = documents.c
    status = d.status
    return (
        sa.select(
            d.workspace_id,
            d.knowledge_base_id,
            sa.func.count().label("documents"),
            sa.func.count().filter(status == "indexed").label("indexed"),
            sa.func.count().filter(status == "indexing").label("indexing"),
            sa.func.count().filter(status == "failed").label("failed"),
            sa.func.coalesce(sa.func.sum(d.chunks), 0).label("chunks"),
        )
        .group_by(d.workspace_id, d.knowledge_base_id)
        .subquery("counts")
    )


def _kb_view(row: RowMapping) -> KnowledgeBaseView:
    return KnowledgeBaseView(
        knowledge_base_id=row["knowledge_base_id"],
        name=row["name"],
        description=row["description"],
        embedder=row["embedder"],
        documents=row["documents"] or 0,
        indexed=row["indexed"] or 0,
        indexing=row["indexing"] or 0,
        failed=row["failed"] or 0,
        chunks=int(row["chunks"] or 0),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def document_view(row: RowMapping) -> DocumentView:
    return DocumentView(
        document_id=row["document_id"],
        knowledge_base_id=row["knowledge_base_id"],
        format=row["format"],
        title=row["title"],
        source_url=row["source_url"],
        revision=row["revision"],
        status=row["status"],
        chunks=row["chunks"],
        size_bytes=row["size_bytes"],
        embedder=row["embedder"],
        error=row["error"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        indexed_at=row["indexed_at"],
    )


class KnowledgeReads:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def knowledge_bases(
        self, ws: str, *, limit: int, cursor: str = "", knowledge_base_id: str = ""
    ) -> tuple[list[KnowledgeBaseView], str | None]:
        k = knowledge_bases.c
        counts = _counts()
        query = (
            sa.select(
                k.knowledge_base_id,
                k.name,
                k.description,
                k.embedder,
                k.created_at,
                k.updated_at,
                counts.c.documents,
                counts.c.indexed,
                counts.c.indexing,
                counts.c.failed,
                counts.c.chunks,
            )
            .select_from(
                knowledge_bases.outerjoin(
                    counts,
                    (counts.c.workspace_id == k.workspace_id)
                    & (counts.c.knowledge_base_id == k.knowledge_base_id),
                )
            )
            .where(k.workspace_id == ws)
            .order_by(k.created_at.desc(), k.knowledge_base_id.desc())
            .limit(limit + 1)
        )
        if knowledge_base_id:
            query = query.where(k.knowledge_base_id == knowledge_base_id)
        if cursor:
            at, key = decode_cursor("knowledge-bases", cursor)
            query = query.where(sa.tuple_(k.created_at, k.knowledge_base_id) < sa.tuple_(at, key))
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            rows = (await conn.execute(query)).mappings().all()
        items = [_kb_view(r) for r in rows[:limit]]
        more = len(rows) > limit
        last = items[-1] if items else None
        next_cursor = (
            encode_cursor("knowledge-bases", last.created_at, last.knowledge_base_id)
            if more and last
            else None
        )
        return items, next_cursor

    async def knowledge_base(self, ws: str, knowledge_base_id: str) -> KnowledgeBaseView | None:
        items, _ = await self.knowledge_bases(ws, limit=1, knowledge_base_id=knowledge_base_id)
        return items[0] if items else None

    async def documents(
        self,
        ws: str,
        knowledge_base_id: str,
        *,
        limit: int,
        cursor: str = "",
        status: DocumentStatus | None = None,
        document_id: str = "",
    ) -> tuple[list[DocumentView], str | None]:
        d = documents.c
        query = (
            sa.select(documents)
            .where((d.workspace_id == ws) & (d.knowledge_base_id == knowledge_base_id))
            .order_by(d.created_at.desc(), d.document_id.desc())
            .limit(limit + 1)
        )
        if status is not None:
            query = query.where(d.status == status)
        if document_id:
            query = query.where(d.document_id == document_id)
        listing = f"documents:{status or ''}"
        if cursor:
            at, key = decode_cursor(listing, cursor)
            query = query.where(sa.tuple_(d.created_at, d.document_id) < sa.tuple_(at, key))
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            rows = (await conn.execute(query)).mappings().all()
        items = [document_view(r) for r in rows[:limit]]
        last = items[-1] if items else None
        more = len(rows) > limit
        next_cursor = (
            encode_cursor(listing, last.created_at, last.document_id) if more and last else None
        )
        return items, next_cursor

    async def document(
        self, ws: str, knowledge_base_id: str, document_id: str
    ) -> DocumentView | None:
        items, _ = await self.documents(ws, knowledge_base_id, limit=1, document_id=document_id)
        return items[0] if items else None

    async def workspace_documents(self, ws: str) -> int:
        """How many documents the workspace has in all its knowledge bases (kb_documents)."""
        query = (
            sa.select(sa.func.count()).select_from(documents).where(documents.c.workspace_id == ws)
        )
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            return int((await conn.execute(query)).scalar_one())
