"""The per-address rate limit behind a proxy: with TRUST_FORWARDED_FOR each client is counted by
the last X-Forwarded-For hop (what the proxy saw); without it, by the connection's address, so
a header anyone can send changes nothing."""

from __future__ import annotations

import httpx
from starlette.types import Receive, Scope, Send

from parley.gateway.api.middleware import ClientRateLimit


async def ok(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def client(trust: bool) -> httpx.AsyncClient:
    # per_minute=6 allows a burst of one (a sixth): the second request of one address is a 429.
    limited = ClientRateLimit(ok, per_minute=6, trust_forwarded=trust)
    transport = httpx.ASGITransport(app=limited, client=("10.0.0.2", 40000))  # the proxy
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


def via(address: str) -> dict[str, str]:
    # nginx's $proxy_add_x_forwarded_for: what the client claimed, then the address it saw.
    return {"X-Forwarded-For": f"203.0.113.250, {address}"}


async def test_behind_a_trusted_proxy_each_client_has_its_own_limit() -> None:
    async with client(trust=True) as api:
        assert (await api.get("/api/v1/me", headers=via("198.51.100.1"))).status_code == 200
        assert (await api.get("/api/v1/me", headers=via("198.51.100.2"))).status_code == 200
        again = await api.get("/api/v1/me", headers=via("198.51.100.1"))
        assert again.status_code == 429
        assert "Retry-After" in again.headers


async def test_without_trust_the_header_is_ignored() -> None:
    async with client(trust=False) as api:
        assert (await api.get("/api/v1/me", headers=via("198.51.100.1"))).status_code == 200
        # Another claimed address is the same connection's address: limited.
        assert (await api.get("/api/v1/me", headers=via("198.51.100.2"))).status_code == 429
