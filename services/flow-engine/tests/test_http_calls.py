"""The HTTP node's adapter against a real local HTTP server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from aiohttp import web

from parley.contracts.executions.events import ExternalCallRequested
from parley.flow_engine.adapters.http_calls import call
from parley.runtime.embedded import free_port
from parley.runtime.outbound import OutboundPolicy

AT = datetime(2026, 11, 25, tzinfo=UTC)
LOCAL_ALLOWED = OutboundPolicy(allow_private=True)  # our test server lives on loopback


@pytest.fixture
async def server() -> AsyncIterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    async def order(request: web.Request) -> web.Response:
        seen.append(
            {
                "method": request.method,
                "body": await request.text(),
                "auth": request.headers.get("Authorization", ""),
            }
        )
        return web.json_response({"order": {"status": "shipped"}})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)  # longer than the call's timeout
        return web.Response(text="late")

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=503, text="down for maintenance")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("http://169.254.169.254/latest/meta-data/")

    app = web.Application()
    app.add_routes(
        [
            web.post("/orders", order),
            web.get("/slow", slow),
            web.get("/broken", broken),
            web.get("/redirect", redirect),
        ]
    )
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        await runner.cleanup()


def request(url: str, **extra: object) -> ExternalCallRequested:
    spec = {"method": "GET", "url": url, "headers": {}, "body": "", "timeout_seconds": 2, **extra}
    return ExternalCallRequested(node_id="call", request_id="exec-1-3", call="http", request=spec)


async def test_a_successful_call_returns_status_and_json(
    server: tuple[str, list[dict[str, str]]],
) -> None:
    base, seen = server
    answer = await call(
        request(
            f"{base}/orders", method="POST", body='{"id": 7}', headers={"Authorization": "Bearer t"}
        ),
        at=AT,
        policy=LOCAL_ALLOWED,
    )
    assert answer.ok
    assert answer.request_id == "exec-1-3"
    assert answer.result["status"] == 200
    assert answer.result["json"] == {"order": {"status": "shipped"}}
    assert seen == [{"method": "POST", "body": '{"id": 7}', "auth": "Bearer t"}]


async def test_by_default_loopback_and_metadata_are_refused_without_a_request(
    server: tuple[str, list[dict[str, str]]],
) -> None:
    base, seen = server
    local = await call(request(f"{base}/orders", method="POST"), at=AT)
    metadata = await call(request("http://169.254.169.254/latest/meta-data/"), at=AT)
    assert not local.ok
    assert "loopback" in local.result["error"]
    assert not metadata.ok
    assert "link-local" in metadata.result["error"]
    assert seen == []  # nothing reached the server


async def test_errors_timeouts_and_redirects_take_the_error_port(
    server: tuple[str, list[dict[str, str]]],
) -> None:
    base, _ = server
    broken = await call(request(f"{base}/broken"), at=AT, policy=LOCAL_ALLOWED)
    assert not broken.ok
    assert broken.result["status"] == 503
    assert broken.result["text"] == "down for maintenance"
    slow = await call(request(f"{base}/slow", timeout_seconds=0.3), at=AT, policy=LOCAL_ALLOWED)
    assert slow.result == {"error": "timed out after 0.3s"}
    moved = await call(request(f"{base}/redirect"), at=AT, policy=LOCAL_ALLOWED)
    assert not moved.ok  # the redirect is not followed to the metadata address
    assert moved.result["status"] == 302
