"""Fixtures of the flow-engine tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from parley.flow_engine.app import build
from parley.flow_engine.settings import FlowEngineSettings
from parley.runtime.embedded import free_port
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


@pytest.fixture
async def flow_engine(nats_url: str, database_url: str) -> AsyncIterator[Service]:
    """The real flow-engine service, wired by its composition root, running in this process."""
    settings = FlowEngineSettings(
        nats_url=nats_url, database_url=database_url, health_port=free_port()
    )
    service = build(settings)
    task = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    yield service
    service.stop()
    await asyncio.wait_for(task, 15)
