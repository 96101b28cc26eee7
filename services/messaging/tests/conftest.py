"""Fixtures of the messaging tests: the real service in this process, a fake Cloud API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from parley.messaging.app import build
from parley.messaging.settings import MessagingSettings
from parley.messaging.testing import FakeCloudApi
from parley.messaging.testing.harness import FAKE_APP_SECRET, FAKE_TOKEN, phone_number_id
from parley.runtime.embedded import free_port
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually


@pytest.fixture
async def fake() -> AsyncIterator[FakeCloudApi]:
    number = phone_number_id()
    api = FakeCloudApi(
        access_token=FAKE_TOKEN,
        app_secret=FAKE_APP_SECRET,
        default_phone_number_id=number,
        display_phone_number="1555" + number[-7:],
        messages_per_second=None,
        pair_burst=None,
    )
    async with api:
        yield api


@pytest.fixture
async def messaging(nats_url: str, database_url: str, fake: FakeCloudApi) -> AsyncIterator[Service]:
    """The real messaging service, wired by its composition root, running in this process."""
    service = build(
        MessagingSettings(
            nats_url=nats_url,
            database_url=database_url,
            health_port=free_port(),
            whatsapp_api_base_url=fake.base_url,
            whatsapp_call_timeout=3.0,
            paused_recheck_seconds=0.5,
        )
    )
    task = asyncio.create_task(service.run())
    await eventually(lambda: service.phase == "running", timeout=30)
    yield service
    service.stop()
    await asyncio.wait_for(task, 15)
