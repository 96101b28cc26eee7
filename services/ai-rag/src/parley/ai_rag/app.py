"""Composition root of the ai-rag service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from parley.ai_rag import __version__
from parley.ai_rag.settings import AiRagSettings
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "ai-rag"
DESCRIPTION = "Parley ai-rag service: knowledge bases, embeddings, Qdrant and grounded answers."


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(AiRagSettings),
        description=DESCRIPTION,
    )


def main() -> None:
    run_service(build())
