"""Embedders: text -> dense and/or sparse vectors, behind one small protocol.

The offline embedder is the default: no key, no download, deterministic (domain/ngrams.py). The
OpenAI embedder takes its dense vectors from any OpenAI-compatible `/v1/embeddings` and adds the
offline sparse vector, so search stays hybrid (exact words and product names still match).
An embedder's `name` says what built a collection; two embedders with one name must produce
interchangeable vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import openai

from parley.ai_rag.adapters.openai_errors import describe, is_retryable
from parley.ai_rag.domain import ngrams
from parley.ai_rag.settings import AiRagSettings

BATCH = 128
# Default output sizes of OpenAI's models; any other model needs OPENAI_EMBEDDING_DIMENSIONS.
KNOWN_SIZES = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072,
               "text-embedding-ada-002": 1536}  # fmt: skip


@dataclass(frozen=True)
class SparseVector:
    indices: list[int]
    values: list[float]


@dataclass(frozen=True)
class Embedding:
    dense: list[float] | None
    sparse: SparseVector | None


class EmbedderUnavailable(Exception):
    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class Embedder(Protocol):
    name: str
    dense_size: int | None  # None: sparse only
    sparse: bool  # produces sparse vectors (hybrid search possible)

    async def embed(self, texts: Sequence[str], *, query: bool) -> list[Embedding]: ...

    async def aclose(self) -> None: ...


def _sparse(text: str, *, query: bool) -> SparseVector:
    counts = ngrams.features(text)
    weights = ngrams.sparse_query(counts) if query else ngrams.sparse_document(counts)
    indices = sorted(weights)
    return SparseVector(indices, [weights[i] for i in indices])


class OfflineEmbedder:
    name = f"offline-ngram-v{ngrams.VERSION}"
    dense_size: int | None = ngrams.DENSE_SIZE
    sparse = True

    async def embed(self, texts: Sequence[str], *, query: bool) -> list[Embedding]:
        # Pure CPU and quick for chunk-sized texts (~1 ms each); not worth a thread hop.
        return [
            Embedding(dense=ngrams.dense(ngrams.features(t)), sparse=_sparse(t, query=query))
            for t in texts
        ]

    async def aclose(self) -> None:
        return None


class OpenAiEmbedder:
    sparse = True

    def __init__(
        self,
        api_key: str,
        base_url: str = "",
        model: str = "text-embedding-3-small",
        dimensions: int | None = None,
        *,
        timeout: float = 30.0,
        max_retries: int = 2,
    ) -> None:
        size = dimensions or KNOWN_SIZES.get(model)
        if size is None:
            raise ValueError(
                f"the size of {model!r}'s vectors is unknown: set OPENAI_EMBEDDING_DIMENSIONS"
            )
        self.dense_size: int | None = size
        self.name = f"openai:{model}" + (f"@{dimensions}" if dimensions else "")
        self._model = model
        self._dimensions = dimensions
        self._client = openai.AsyncOpenAI(
            api_key=api_key, base_url=base_url or None, timeout=timeout, max_retries=max_retries
        )

    async def embed(self, texts: Sequence[str], *, query: bool) -> list[Embedding]:
        out: list[Embedding] = []
        for start in range(0, len(texts), BATCH):
            batch = list(texts[start : start + BATCH])
            try:
                response = await self._client.embeddings.create(
                    input=batch,
                    model=self._model,
                    encoding_format="float",
                    dimensions=self._dimensions if self._dimensions else openai.omit,
                )
            except openai.OpenAIError as err:
                raise EmbedderUnavailable(
                    f"embeddings from {self.name} failed: {describe(err)}",
                    retryable=is_retryable(err),
                ) from err
            vectors = [item.embedding for item in sorted(response.data, key=lambda d: d.index)]
            if len(vectors) != len(batch) or any(len(v) != self.dense_size for v in vectors):
                raise EmbedderUnavailable(
                    f"{self.name} answered {len(vectors)} vectors of the wrong count or size"
                    f" (expected {len(batch)} of {self.dense_size})",
                    retryable=False,
                )
            out.extend(
                Embedding(dense=list(v), sparse=_sparse(t, query=query))
                for v, t in zip(vectors, batch, strict=True)
            )
        return out

    async def aclose(self) -> None:
        await self._client.close()


def build_embedder(settings: AiRagSettings) -> Embedder:
    if settings.embedder == "openai":
        return OpenAiEmbedder(
            settings.openai_api_key.get_secret_value(),
            settings.openai_base_url,
            settings.openai_embedding_model,
            settings.openai_embedding_dimensions,
            timeout=settings.openai_timeout_seconds,
        )
    return OfflineEmbedder()
