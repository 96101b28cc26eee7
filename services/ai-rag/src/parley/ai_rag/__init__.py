"""Parley ai-rag service: knowledge bases, embeddings, Qdrant and grounded answers."""

from importlib.metadata import version

__version__ = version("parley-ai-rag")
