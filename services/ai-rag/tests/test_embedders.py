"""Embedders: deterministic offline vectors; the OpenAI one against the fake server."""

from __future__ import annotations

import math

import pytest

from parley.ai_rag.adapters.embedders import EmbedderUnavailable, OfflineEmbedder, OpenAiEmbedder
from parley.ai_rag.domain import ngrams
from parley.ai_rag.testing.fake_openai import FakeOpenAi


async def test_offline_is_deterministic_and_unit_length() -> None:
    text = "Orders over 40 EUR are delivered free within 5 km."
    first, again = (
        await OfflineEmbedder().embed([text], query=False),
        await OfflineEmbedder().embed([text], query=False),
    )
    assert first == again
    (e,) = first
    assert e.dense is not None
    assert e.sparse is not None
    assert len(e.dense) == ngrams.DENSE_SIZE
    assert math.isclose(math.fsum(v * v for v in e.dense), 1.0)
    assert e.sparse.indices == sorted(set(e.sparse.indices))
    assert all(0 <= i < 2**32 for i in e.sparse.indices)
    # Stable across processes: a CRC, not Python's salted hash.
    assert ngrams.feature_index("w:delivery") == 514035618


def test_stems_and_accents_share_features() -> None:
    assert "w:cafe" in ngrams.features("Café")
    shared = set(ngrams.features("deliver")) & set(ngrams.features("delivery"))
    assert {"<de", "del", "eli", "liv", "ive", "ver"} <= shared
    assert not ngrams.features("what are you doing with them")  # stop words only


def test_bm25_saturates_and_normalises_length() -> None:
    once = ngrams.sparse_document(ngrams.features("croissant"))
    many = ngrams.sparse_document(ngrams.features("croissant " * 20))
    key = ngrams.feature_index("w:croissant")
    assert many[key] > once[key]
    assert many[key] < ngrams.WORD_WEIGHT * (ngrams.K1 + 1)  # tf saturates below (k1 + 1)
    padded = ngrams.sparse_document(ngrams.features("croissant " + "filler words " * 100))
    assert padded[key] < once[key]  # the same tf weighs less in a longer text
    assert ngrams.sparse_query(ngrams.features("croissant"))[key] == ngrams.WORD_WEIGHT


async def test_openai_embedder_against_the_fake(fake_openai: FakeOpenAi) -> None:
    embedder = OpenAiEmbedder(
        fake_openai.api_key, fake_openai.base_url, dimensions=64, max_retries=0
    )
    try:
        assert embedder.name == "openai:text-embedding-3-small@64"
        vectors = await embedder.embed(
            ["sourdough loaf", "sourdough loaf", "gift card"], query=False
        )
        assert vectors[0] == vectors[1]
        assert all(v.dense is not None and len(v.dense) == 64 for v in vectors)
        assert all(v.sparse is not None for v in vectors)  # stays hybrid
        assert fake_openai.calls["embeddings"] == 1
        fake_openai.fail(429)
        with pytest.raises(EmbedderUnavailable, match="429") as busy:
            await embedder.embed(["x"], query=True)
        assert busy.value.retryable
    finally:
        await embedder.aclose()


async def test_openai_embedder_wrong_key_is_not_retryable(fake_openai: FakeOpenAi) -> None:
    embedder = OpenAiEmbedder("sk-wrong", fake_openai.base_url, max_retries=0)
    try:
        with pytest.raises(EmbedderUnavailable, match="401") as refused:
            await embedder.embed(["x"], query=True)
        assert not refused.value.retryable
    finally:
        await embedder.aclose()


def test_unknown_model_needs_dimensions() -> None:
    with pytest.raises(ValueError, match="OPENAI_EMBEDDING_DIMENSIONS"):
        OpenAiEmbedder("k", "http://127.0.0.1:1/v1", model="nomic-embed-text")
