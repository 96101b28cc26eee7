"""A service that is down gives 503 problem+json naming it, at once, never a hanging request.

The gateway runs alone on a NATS of its own: no flow-engine, no messaging answers there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from parley.gateway.app import build
from parley.gateway.settings import GatewaySettings
from parley.runtime.embedded import EmbeddedNats, free_port
from parley.runtime.testing.plugin import eventually

from .conftest import PASSWORD


@pytest.fixture
async def lonely_gateway(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    nats = EmbeddedNats(store_dir=tmp_path / "nats", log_file=tmp_path / "nats.log")
    nats.start()
    port = free_port()
    settings = GatewaySettings.model_validate(
        {
            "nats_url": nats.url,
            "database_url": database_url,
            "health_port": free_port(),
            "http_port": port,
            "query_timeout_seconds": 2.0,
            "rate_limit_per_ip": 60,  # a burst of 10, then one a second
        }
    )
    service = build(settings)
    task = asyncio.create_task(service.run())
    try:
        await eventually(lambda: service.phase == "running", timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        service.stop()
        await asyncio.wait_for(task, 15)
        nats.stop()


async def test_a_service_that_is_down_is_named_in_a_503(
    lonely_gateway: str, unique: Callable[[str], str]
) -> None:
    async with httpx.AsyncClient(base_url=lonely_gateway, timeout=10) as api:
        email = f"{unique('alone')}@example.com"
        signup = await api.post(
            "/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "name": "Al"}
        )
        assert signup.status_code == 201, signup.text  # identity lives in the gateway itself
        body = signup.json()
        auth = {"Authorization": f"Bearer {body['tokens']['access_token']}"}
        base = f"/api/v1/workspaces/{body['workspace']['id']}"
        for path, service in ((f"{base}/flows", "flow-engine"), (f"{base}/channels", "messaging")):
            started = time.monotonic()
            answer = await api.get(path, headers=auth)
            assert time.monotonic() - started < 3
            assert answer.status_code == 503, answer.text
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.headers["retry-after"] == "5"
            problem = answer.json()
            assert problem["code"] == "SERVICE_UNAVAILABLE"
            assert problem["service"] == service
            assert service in problem["detail"]
        webhook = await api.post("/webhooks/whatsapp", content=b"{}")
        assert webhook.status_code == 503  # Meta retries it later: nothing is lost
        assert webhook.json()["service"] == "messaging"


async def test_a_client_over_its_rate_is_told_when_to_come_back(lonely_gateway: str) -> None:
    async with httpx.AsyncClient(base_url=lonely_gateway, timeout=10) as api:
        answers = [await api.get("/api/openapi.json") for _ in range(15)]
    statuses = [a.status_code for a in answers]
    assert statuses[:10] == [200] * 10
    assert 429 in statuses[10:]
    limited = next(a for a in answers if a.status_code == 429)
    assert limited.json()["code"] == "RATE_LIMITED"
    assert int(limited.headers["retry-after"]) >= 1
    # Webhooks are never rate limited: Meta and Stripe retry whatever we refuse.
    async with httpx.AsyncClient(base_url=lonely_gateway, timeout=10) as api:
        webhook = await api.post("/webhooks/stripe", content=b"{}")
    assert webhook.status_code == 404  # Stripe is not configured here, but not refused as 429
