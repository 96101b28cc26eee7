"""Fixtures of the scraper tests: the real scraper service in this process, asked over NATS
as the gateway asks it, against the local fakes of Places, the Graph API and a website."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from nats.aio.client import Client as NatsClient
from pydantic import SecretStr

from parley.runtime.embedded import free_port
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually
from parley.scraper.app import build
from parley.scraper.settings import ScraperSettings
from parley.scraper.testing.harness import ScraperFactory, answers


@pytest.fixture
def scraper(nats_url: str, database_url: str, nc: NatsClient) -> ScraperFactory:
    """`async with scraper(google_places_api_key=..., ...) as service:` the real service, with
    quick retries and a short politeness delay unless told otherwise."""

    @asynccontextmanager
    async def run(**overrides: Any) -> AsyncIterator[Service]:
        values: dict[str, Any] = {
            "nats_url": nats_url,
            "database_url": database_url,
            "health_port": free_port(),
            "scrape_retry_delays": (0.05, 0.1, 0.1),
            "scrape_min_delay": 0.05,
        }
        values.update(overrides)
        for secret in ("google_places_api_key", "instagram_access_token"):
            if isinstance(values.get(secret), str):
                values[secret] = SecretStr(values[secret])
        service = build(ScraperSettings(**values))
        task = asyncio.create_task(service.run())
        await eventually(lambda: service.phase == "running", timeout=30)
        await eventually(lambda: answers(nc), timeout=10)
        try:
            yield service
        finally:
            service.stop()
            await asyncio.wait_for(task, 15)

    return run
