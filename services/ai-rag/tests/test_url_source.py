"""fetch_url: the outbound guard on every hop, limits, and errors a user can read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from parley.ai_rag.adapters.url_source import UrlUnavailable, fetch_url
from parley.runtime.outbound import OutboundPolicy

LOCAL = OutboundPolicy(allow_private=True)


@pytest.fixture
async def site() -> AsyncIterator[tuple[str, asyncio.Event]]:
    release = asyncio.Event()

    async def page(_: web.Request) -> web.Response:
        return web.Response(text="<h1>Hours</h1><p>Open 7-19.</p>", content_type="text/html")

    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query.get("to", "/page"))

    async def big(_: web.Request) -> web.Response:
        return web.Response(body=b"x" * 5000, content_type="text/plain")

    async def slow(_: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="late")

    async def loop(_: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    app = web.Application()
    for path, handler in [
        ("/page", page),
        ("/moved", moved),
        ("/big", big),
        ("/slow", slow),
        ("/loop", loop),
    ]:
        app.router.add_get(path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", release
    finally:
        release.set()
        await runner.cleanup()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://2130706433/", "loopback"),
        ("http://10.1.2.3/", "private network"),
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("ftp://example.com/file", "only http"),
    ],
)
async def test_refused_addresses(url: str, reason: str) -> None:
    with pytest.raises(UrlUnavailable, match=reason) as err:
        await fetch_url(url, OutboundPolicy())
    assert str(err.value).startswith(f"{url}: refused")
    assert not err.value.retryable


async def test_local_server_is_refused_by_default(site: tuple[str, asyncio.Event]) -> None:
    base, _ = site
    with pytest.raises(UrlUnavailable, match="loopback"):
        await fetch_url(f"{base}/page", OutboundPolicy())


async def test_fetch_when_the_policy_allows(site: tuple[str, asyncio.Event]) -> None:
    base, _ = site
    for policy in (LOCAL, OutboundPolicy(allowed_hosts=frozenset({"127.0.0.1"}))):
        fetched = await fetch_url(f"{base}/moved", policy)
        assert fetched.content == b"<h1>Hours</h1><p>Open 7-19.</p>"
        assert fetched.content_type.startswith("text/html")
        assert fetched.final_url == f"{base}/page"


async def test_each_redirect_hop_is_vetted(site: tuple[str, asyncio.Event]) -> None:
    base, _ = site
    port = base.rsplit(":", 1)[1]
    allowed = OutboundPolicy(allowed_hosts=frozenset({"127.0.0.1"}))
    # An allowed host that redirects to the metadata address or to another loopback name.
    for target in ("http://169.254.169.254/latest/meta-data/", f"http://127.0.0.2:{port}/page"):
        with pytest.raises(UrlUnavailable, match=r"refused \(redirected to "):
            await fetch_url(f"{base}/moved?to={target}", allowed)


async def test_limits(site: tuple[str, asyncio.Event]) -> None:
    base, release = site
    with pytest.raises(UrlUnavailable, match="larger than"):
        await fetch_url(f"{base}/big", LOCAL, max_bytes=1000)
    assert len((await fetch_url(f"{base}/big", LOCAL, max_bytes=5000)).content) == 5000
    with pytest.raises(UrlUnavailable, match="more than 5 redirects"):
        await fetch_url(f"{base}/loop", LOCAL)
    with pytest.raises(UrlUnavailable, match="HTTP 404") as missing:
        await fetch_url(f"{base}/nothing", LOCAL)
    assert not missing.value.retryable
    with pytest.raises(UrlUnavailable, match=r"no answer within 0\.2 s") as late:
        await fetch_url(f"{base}/slow", LOCAL, timeout=0.2)
    assert late.value.retryable
    release.set()
