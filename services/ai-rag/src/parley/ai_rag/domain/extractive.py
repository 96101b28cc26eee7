"""The offline answer: the sentences of the best passage that share most with the question."""

from __future__ import annotations

from parley.ai_rag.domain.chunking import split_sentences
from parley.ai_rag.domain.ngrams import words
from parley.contracts.ai.knowledge import Passage

MAX_SENTENCES = 2
MAX_CHARS = 600
_STEM = 5  # "delivery", "delivers", "delivered" share "deliv": crude, language-agnostic stemming


def _stems(text: str) -> set[str]:
    return {w[:_STEM] for w in words(text)}


def extract_answer(question: str, passage: Passage) -> str:
    """Up to two sentences, in the passage's order: the best match and the runner-up if it also
    matches. With no word in common, the passage's opening sentence (retrieval chose it)."""
    sentences = [s for line in passage.text.split("\n") for s in split_sentences(line)]
    if not sentences:
        return ""
    wanted = _stems(question)
    scored = sorted(((len(wanted & _stems(s)), -n) for n, s in enumerate(sentences)), reverse=True)
    picked = sorted(-n for score, n in scored[:MAX_SENTENCES] if score > 0)
    if not picked:
        picked = [0]
    text = " ".join(sentences[n] for n in picked)
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
