"""Whether retrieved passages can answer a question at all (the AI node's no-answer port)."""

from __future__ import annotations

from collections.abc import Sequence

from parley.contracts.ai.knowledge import Passage


def answerable(passages: Sequence[Passage], threshold: float) -> bool:
    """True when the best passage's relevance (0..1, see passage_index) reaches the threshold."""
    return bool(passages) and max(p.score for p in passages) >= threshold
