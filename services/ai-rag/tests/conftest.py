"""Fixtures of the ai-rag tests: defined (and type-checked) in `parley.ai_rag.testing.fixtures`."""

from parley.ai_rag.testing.fixtures import fake_openai, qdrant_path, start_ai_rag

__all__ = ["fake_openai", "qdrant_path", "start_ai_rag"]
