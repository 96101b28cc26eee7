"""Fixtures of the crm tests: the real crm service, running in this process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from parley.crm.app import build
from parley.crm.settings import CrmSettings
from parley.runtime.embedded import free_port
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


@pytest.fixture
async def crm(nats_url: str, database_url: str) -> AsyncIterator[Service]:
    """The real crm service, wired by its composition root, running in this process."""
    service = build(
        CrmSettings(nats_url=nats_url, database_url=database_url, health_port=free_port())
    )
    task = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    yield service
    service.stop()
    await asyncio.wait_for(task, 15)
