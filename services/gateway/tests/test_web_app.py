"""The web app at `/`: files of the build, index.html for the app's own routes, the API's
paths untouched, and a content security policy that lets the app run and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from parley.gateway.api import problems
from parley.gateway.api.middleware import SecurityHeaders, TextGuard
from parley.gateway.api.static_files import APP_CSP, web_router


def app_serving(dist: Path) -> FastAPI:
    app = FastAPI()
    problems.install(app)

    @app.get("/api/v1/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    app.include_router(web_router(dist))
    app.add_middleware(SecurityHeaders)
    return app


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


@pytest.fixture
async def web(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_serving(dist))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_app_routes_get_index_html_revalidated(web: httpx.AsyncClient) -> None:
    for path in ("/", "/login", "/w/ws_1/flows/flw_2"):
        response = await web.get(path)
        assert response.status_code == 200, path
        assert "id=root" in response.text
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["content-security-policy"] == APP_CSP


async def test_hashed_assets_are_immutable(web: httpx.AsyncClient) -> None:
    response = await web.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.text == "console.log('app')"
    assert "immutable" in response.headers["cache-control"]
    assert (await web.get("/favicon.svg")).headers["cache-control"] == "no-cache"


async def test_a_missing_asset_is_404_not_the_page(web: httpx.AsyncClient) -> None:
    assert (await web.get("/assets/index-old999.js")).status_code == 404


async def test_api_paths_stay_the_apis(web: httpx.AsyncClient) -> None:
    assert (await web.get("/api/v1/ping")).json() == {"pong": "yes"}
    missing = await web.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.headers["content-security-policy"].startswith("default-src 'none'")
    for path in ("/webhooks/nothing", "/graphqlx", "/ws/x"):
        assert (await web.get(path)).status_code == 404, path


async def test_no_file_outside_the_build_is_served(web: httpx.AsyncClient) -> None:
    response = await web.get("/..%2Fsecret.txt")
    assert "not for the web" not in response.text


async def test_an_unbuilt_app_says_how_to_build_it(tmp_path: Path) -> None:
    transport = httpx.ASGITransport(app=app_serving(tmp_path / "missing"))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/")
    assert response.status_code == 503
    assert "make web" in response.text


async def test_a_file_streams_whole_through_the_text_guard(dist: Path) -> None:
    # The guard reads the request body first; a streaming response still gets all its bytes.
    app = app_serving(dist)
    app.add_middleware(TextGuard)
    big = "x" * 300_000
    (dist / "assets" / "big-1.js").write_text(big)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/assets/big-1.js")
    assert response.text == big


async def test_text_files_go_out_gzipped_to_who_accepts_it(dist: Path) -> None:
    script = "console.log('parley');\n" * 500
    (dist / "assets" / "app-1.js").write_text(script)
    transport = httpx.ASGITransport(app=app_serving(dist))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        zipped = await client.get("/assets/app-1.js", headers={"Accept-Encoding": "gzip"})
        plain = await client.get("/assets/app-1.js", headers={"Accept-Encoding": "identity"})
        (dist / "assets" / "app-1.js").write_text(script + "// rebuilt\n")
        rebuilt = await client.get("/assets/app-1.js", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(script) / 10
    assert zipped.text == script  # httpx decodes it
    assert zipped.headers["content-type"].startswith("text/javascript")
    assert "immutable" in zipped.headers["cache-control"]
    assert "content-encoding" not in plain.headers
    assert plain.text == script
    assert rebuilt.text.endswith("// rebuilt\n")
