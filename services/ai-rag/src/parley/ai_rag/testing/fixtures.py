"""Fixtures of the ai-rag tests, registered by `services/ai-rag/tests/conftest.py`.

They live in the package, not in the conftest, so mypy checks them: with the service's folder
named `ai-rag`, its conftest would be a top-level module `conftest`, like flow-engine's, and
mypy refuses two modules of one name (the conftest itself is excluded from mypy).

Core tests: a real local-mode Qdrant directory per test, the fake OpenAI server. Service tests:
the real service (real NATS, Postgres, Qdrant local mode in a temporary directory) wired by its
composition root, started with `start_ai_rag(**settings)`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient

from parley.ai_rag.settings import AiRagSettings
from parley.ai_rag.testing.fake_openai import FakeOpenAi
from parley.ai_rag.testing.harness import AiClient, StartAiRag, running_ai_rag
from parley.runtime.embedded import free_port


@pytest.fixture
def qdrant_path(tmp_path: Path) -> str:
    """A fresh local-mode Qdrant directory (local mode locks it: one client at a time)."""
    return str(tmp_path / "qdrant")


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAi]:
    async with FakeOpenAi() as server:
        yield server


@pytest.fixture
def start_ai_rag(nats_url: str, database_url: str, nc: NatsClient, tmp_path: Path) -> StartAiRag:
    """`async with start_ai_rag(**settings) as ai:` runs the service until the block ends. Each
    test gets its own Qdrant directory unless `qdrant_path` is given (local mode locks it)."""

    @asynccontextmanager
    async def run(**overrides: Any) -> AsyncIterator[AiClient]:
        settings = AiRagSettings(
            nats_url=nats_url,
            database_url=database_url,
            health_port=free_port(),
            **{"qdrant_path": str(tmp_path / "service-qdrant"), **overrides},
        )
        async with running_ai_rag(settings, nc) as client:
            yield client

    return run
