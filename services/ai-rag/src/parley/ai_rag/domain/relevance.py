"""How well a passage covers a question, and whether any retrieved passage can answer it.

A passage's relevance (`Passage.score`, 0..1) is the larger of two measures:
- lexical coverage: the share of the question's content words (stop words dropped, see
  ngrams.words) that occur in the passage's title, heading or text, a word counting as
  present when the passage has it or a word of the same stem (one is a prefix of the other
  once up to two trailing letters are dropped, at least four letters kept: "park" ~ "parking",
  "deliver" ~ "delivery", "sundays" ~ "sunday");
- the cosine of the question's and the passage's dense vectors, clamped to 0..1, which credits
  paraphrases a semantic embedder understands ("gift vouchers" ~ "gift cards").
Coverage is what separates an off-topic question ("the capital of Australia": no word of it in
a bakery's documents) from an answerable one; the offline dense vectors alone do not (hashed
n-grams give unrelated texts cosines up to ~0.2). Default threshold 0.3 (settings).
"""

from __future__ import annotations

from collections.abc import Sequence

from parley.ai_rag.domain.ngrams import words
from parley.contracts.ai.knowledge import Passage

_MIN_STEM = 4


def _same_stem(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    if len(short) < _MIN_STEM:
        return False
    return long.startswith(short[: max(_MIN_STEM, len(short) - 2)])


def coverage(question: str, passage_text: str) -> float:
    wanted = set(words(question))
    if not wanted:
        return 0.0
    present = set(words(passage_text))
    found = sum(1 for w in wanted if w in present or any(_same_stem(w, p) for p in present))
    return found / len(wanted)


def relevance(question: str, passage_text: str, cosine: float) -> float:
    return max(coverage(question, passage_text), max(0.0, min(1.0, cosine)))


def answerable(passages: Sequence[Passage], threshold: float) -> bool:
    """True when the best passage's relevance reaches the threshold."""
    return bool(passages) and max(p.score for p in passages) >= threshold
