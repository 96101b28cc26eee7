"""The passage index: chunks of every workspace's documents in Qdrant, one collection per embedder.

Workspace isolation lives here and only here. `PassageIndex` hands out a `WorkspaceIndex` per
workspace and nothing else touches points; every query, scroll, count and delete that class
makes carries `must: workspace_id == ws` (built by `_scope`), and every point it writes carries
that workspace id. Even the sparse vector's idf is measured over the workspace's own points, so
one tenant's documents do not shift another's scores.

Relevance: results are ranked by reciprocal-rank fusion of the dense and the sparse search (RRF
is rank-based, so its score says nothing absolute). Each hit's `Passage.score` is instead
`domain.relevance.relevance`: the larger of the question's lexical coverage by the passage and
the dense cosine (clamped to 0..1), comparable across questions and embedders' rankings, and
what `relevance.answerable` compares with the threshold.
"""

from __future__ import annotations

import math
import re
import uuid
import warnings
from collections.abc import Sequence
from typing import Any

from qdrant_client import AsyncQdrantClient, models

from parley.ai_rag.adapters.embedders import Embedder, Embedding
from parley.ai_rag.domain.chunking import Chunk
from parley.ai_rag.domain.relevance import relevance
from parley.contracts.ai.knowledge import Passage

DENSE = "dense"
SPARSE = "sparse"
SCHEMA = 1  # the payload layout below; bump with a migration when it changes
_POINT_NAMESPACE = uuid.UUID("6f1c8a52-4b7e-4f0e-9a7e-2d3c1b0a9e11")
_BATCH = 64
_PREFETCH_FACTOR = 4  # each half of hybrid search hands fusion this many candidates per result


class EmbedderMismatch(RuntimeError):
    """The collection was built by another embedder: its vectors cannot be searched with ours."""


def collection_name(embedder_name: str) -> str:
    return "passages_" + re.sub(r"[^A-Za-z0-9_\-]", "_", embedder_name)


def point_id(
    workspace_id: str, knowledge_base_id: str, document_id: str, revision: int, chunk: int
) -> str:
    """Deterministic: indexing the same revision again overwrites, never duplicates."""
    key = f"{workspace_id}/{knowledge_base_id}/{document_id}/{revision}/{chunk}"
    return str(uuid.uuid5(_POINT_NAMESPACE, key))


def _match(field: str, value: str | int) -> models.FieldCondition:
    return models.FieldCondition(key=field, match=models.MatchValue(value=value))


class PassageIndex:
    def __init__(self, client: AsyncQdrantClient, embedder: Embedder, collection: str) -> None:
        self._client = client
        self._embedder = embedder
        self.collection = collection

    @classmethod
    async def open(
        cls,
        embedder: Embedder,
        *,
        url: str = "",
        path: str = "",
        api_key: str = "",
        client: AsyncQdrantClient | None = None,  # tests pass an instrumented client
    ) -> PassageIndex:
        if client is None:
            if url:
                client = AsyncQdrantClient(url=url, api_key=api_key or None)
            elif path:
                client = AsyncQdrantClient(path=path)
            else:
                raise ValueError("PassageIndex.open needs a Qdrant url or a local-mode path")
        index = cls(client, embedder, collection_name(embedder.name))
        try:
            await index._ensure_collection()
        except BaseException:
            await client.close()
            raise
        return index

    def _metadata(self) -> dict[str, Any]:
        return {
            "embedder": self._embedder.name,
            "dense_size": self._embedder.dense_size,
            "sparse": self._embedder.sparse,
            "schema": SCHEMA,
        }

    async def _ensure_collection(self) -> None:
        if not await self._client.collection_exists(self.collection):
            try:
                await self._create()
            except Exception:
                # Another replica may have created it meanwhile; only then is this fine.
                if not await self._client.collection_exists(self.collection):
                    raise
        info = await self._client.get_collection(self.collection)
        found = dict(info.config.metadata or {})
        expected = self._metadata()
        if {k: found.get(k) for k in expected} != expected:
            raise EmbedderMismatch(
                f"Qdrant collection {self.collection!r} was built by"
                f" {found.get('embedder') or 'an unknown embedder'} ({found}), not by"
                f" {self._embedder.name} ({expected}); re-index the knowledge bases with one"
                " embedder, or configure the embedder that built it"
            )

    async def _create(self) -> None:
        size = self._embedder.dense_size
        await self._client.create_collection(
            self.collection,
            vectors_config=(
                {DENSE: models.VectorParams(size=size, distance=models.Distance.COSINE)}
                if size
                else {}
            ),
            sparse_vectors_config=(
                {SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)}
                if self._embedder.sparse
                else None
            ),
            metadata=self._metadata(),
        )
        keyword = models.PayloadSchemaType.KEYWORD
        integer = models.PayloadSchemaType.INTEGER
        tenant = models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True)
        fields: list[tuple[str, Any]] = [
            ("workspace_id", tenant),
            ("knowledge_base_id", keyword),
            ("document_id", keyword),
            ("revision", integer),
            ("chunk", integer),
        ]
        with warnings.catch_warnings():
            # Local mode ignores payload indexes and says so; a server uses them (is_tenant
            # makes Qdrant lay points out by workspace).
            warnings.filterwarnings("ignore", "Payload indexes have no effect", UserWarning)
            for field, schema in fields:
                await self._client.create_payload_index(self.collection, field, field_schema=schema)

    def for_workspace(self, workspace_id: str) -> WorkspaceIndex:
        if not workspace_id:
            raise ValueError("a workspace id is required")
        return WorkspaceIndex(self._client, self._embedder, self.collection, workspace_id)

    async def aclose(self) -> None:
        await self._client.close()


class WorkspaceIndex:
    """One workspace's view of the index; it cannot name another workspace's points."""

    def __init__(
        self, client: AsyncQdrantClient, embedder: Embedder, collection: str, workspace_id: str
    ) -> None:
        self._client = client
        self._embedder = embedder
        self._collection = collection
        self.workspace_id = workspace_id

    def _scope(
        self, *conditions: models.Condition, should: Sequence[models.Condition] = ()
    ) -> models.Filter:
        """The only place filters are made: the workspace condition always comes first."""
        return models.Filter(
            must=[_match("workspace_id", self.workspace_id), *conditions],
            should=list(should) or None,
        )

    def _kb(self, knowledge_base_id: str) -> list[models.Condition]:
        return [_match("knowledge_base_id", knowledge_base_id)] if knowledge_base_id else []

    async def replace_document(
        self,
        knowledge_base_id: str,
        document_id: str,
        revision: int,
        title: str,
        chunks: Sequence[Chunk],
    ) -> int:
        """Upsert this revision's points, then delete what older revisions (or a longer earlier
        attempt at this one) left. Readers see the old passages until the new ones are in."""
        for start in range(0, len(chunks), _BATCH):
            batch = chunks[start : start + _BATCH]
            # The heading goes into what is embedded (not into the text): it is often the very
            # words a customer asks with ("refunds", "opening hours").
            embeddings = await self._embedder.embed(
                [f"{title}\n{c.heading}\n{c.text}" for c in batch], query=False
            )
            points = [
                models.PointStruct(
                    id=point_id(
                        self.workspace_id, knowledge_base_id, document_id, revision, c.index
                    ),
                    vector=_vectors(e),
                    payload={
                        "workspace_id": self.workspace_id,
                        "knowledge_base_id": knowledge_base_id,
                        "document_id": document_id,
                        "revision": revision,
                        "title": title,
                        "heading": c.heading,
                        "chunk": c.index,
                        "text": c.text,
                    },
                )
                for c, e in zip(batch, embeddings, strict=True)
            ]
            await self._client.upsert(self._collection, points=points, wait=True)
        stale = self._scope(
            _match("knowledge_base_id", knowledge_base_id),
            _match("document_id", document_id),
            should=[
                models.FieldCondition(key="revision", range=models.Range(lt=revision)),
                models.FieldCondition(key="chunk", range=models.Range(gte=len(chunks))),
            ],
        )
        await self._delete(stale)
        return len(chunks)

    async def remove_document(self, knowledge_base_id: str, document_id: str) -> None:
        await self._delete(
            self._scope(
                _match("knowledge_base_id", knowledge_base_id), _match("document_id", document_id)
            )
        )

    async def remove_knowledge_base(self, knowledge_base_id: str) -> None:
        if not knowledge_base_id:
            raise ValueError("a knowledge base id is required")
        await self._delete(self._scope(*self._kb(knowledge_base_id)))

    async def _delete(self, selector: models.Filter) -> None:
        await self._client.delete(
            self._collection, points_selector=models.FilterSelector(filter=selector), wait=True
        )

    async def search(
        self, question: str, *, knowledge_base_id: str = "", limit: int = 5
    ) -> list[Passage]:
        if not question.strip() or limit < 1:
            return []
        (query,) = await self._embedder.embed([question], query=True)
        scope = self._scope(*self._kb(knowledge_base_id))
        # idf over this workspace's passages only (not the whole collection's).
        idf = models.SearchParams(idf=models.IdfCorpusParams(corpus=self._scope()))
        sparse = (
            models.SparseVector(indices=query.sparse.indices, values=query.sparse.values)
            if query.sparse is not None and query.sparse.indices
            else None
        )
        if query.dense is not None and sparse is not None:
            response = await self._client.query_points(
                self._collection,
                prefetch=[
                    models.Prefetch(
                        query=query.dense, using=DENSE, filter=scope, limit=limit * _PREFETCH_FACTOR
                    ),
                    models.Prefetch(
                        query=sparse,
                        using=SPARSE,
                        filter=scope,
                        params=idf,
                        limit=limit * _PREFETCH_FACTOR,
                    ),
                ],
                query=models.FusionQuery(fusion=models.Fusion.RRF),
                query_filter=scope,
                limit=limit,
                with_payload=True,
                with_vectors=[DENSE],
            )
        elif query.dense is not None:
            response = await self._client.query_points(
                self._collection,
                query=query.dense,
                using=DENSE,
                query_filter=scope,
                limit=limit,
                with_payload=True,
                with_vectors=[DENSE],
            )
        elif sparse is not None:
            response = await self._client.query_points(
                self._collection,
                query=sparse,
                using=SPARSE,
                query_filter=scope,
                search_params=idf,
                limit=limit,
                with_payload=True,
            )
        else:
            return []
        return [
            _passage(point.payload or {}, _relevance(question, query, point))
            for point in response.points
        ]

    async def passages(self, knowledge_base_id: str, document_id: str, limit: int) -> list[Passage]:
        """A document's passages in order, for showing what was indexed."""
        points, _ = await self._client.scroll(
            self._collection,
            scroll_filter=self._scope(
                _match("knowledge_base_id", knowledge_base_id), _match("document_id", document_id)
            ),
            limit=limit,
            order_by=models.OrderBy(key="chunk"),
            with_payload=True,
        )
        return [_passage(p.payload or {}, 0.0) for p in points]

    async def count(self, knowledge_base_id: str = "") -> int:
        result = await self._client.count(
            self._collection, count_filter=self._scope(*self._kb(knowledge_base_id)), exact=True
        )
        return result.count


def _vectors(embedding: Embedding) -> dict[str, Any]:
    vectors: dict[str, Any] = {}
    if embedding.dense is not None:
        vectors[DENSE] = embedding.dense
    if embedding.sparse is not None:
        vectors[SPARSE] = models.SparseVector(
            indices=embedding.sparse.indices, values=embedding.sparse.values
        )
    return vectors


def _cosine(query: Embedding, point: models.ScoredPoint) -> float:
    stored = point.vector.get(DENSE) if isinstance(point.vector, dict) else None
    if query.dense is not None and isinstance(stored, list) and stored:
        vector = [float(v) for v in stored if isinstance(v, int | float)]
        norm = math.sqrt(sum(q * q for q in query.dense) * sum(v * v for v in vector))
        return sum(q * v for q, v in zip(query.dense, vector, strict=False)) / norm if norm else 0
    # A sparse-only embedder: its dot product squashed into 0..1.
    return point.score / (1.0 + point.score) if point.score > 0 else 0.0


def _relevance(question: str, query: Embedding, point: models.ScoredPoint) -> float:
    payload = point.payload or {}
    text = " ".join(str(payload.get(k, "")) for k in ("title", "heading", "text"))
    return relevance(question, text, _cosine(query, point))


def _passage(payload: dict[str, Any], score: float) -> Passage:
    return Passage(
        document_id=str(payload.get("document_id", "")),
        knowledge_base_id=str(payload.get("knowledge_base_id", "")),
        title=str(payload.get("title", "")),
        heading=str(payload.get("heading", "")),
        chunk=int(payload.get("chunk", 0)),
        text=str(payload.get("text", ""))[:4000],
        score=round(score, 6),
    )
