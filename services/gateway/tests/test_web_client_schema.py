"""The web app's typed client is generated from a copy of the OpenAPI document
(web/src/api/openapi.json). When a route changes, that copy must be regenerated
(`cd web && npm run api` after saving the served document), or the web app would call the API
with shapes it no longer has."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

WEB_COPY = Path(__file__).resolve().parents[3] / "web" / "src" / "api" / "openapi.json"
REGENERATE = (
    "web/src/api/openapi.json is stale: save the served /api/openapi.json there and run "
    "`npm run api` in web/"
)


async def test_the_web_apps_copy_of_the_openapi_document_is_current(
    api: httpx.AsyncClient,
) -> None:
    served = (await api.get("/api/openapi.json")).json()
    committed = json.loads(WEB_COPY.read_text())
    assert sorted(committed["paths"]) == sorted(served["paths"]), REGENERATE
    assert committed == served, REGENERATE
