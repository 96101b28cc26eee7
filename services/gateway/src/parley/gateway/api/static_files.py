"""The web app (`web/dist`, built by `make web`) served at `/`.

Any GET that is not the API's is the single-page app: a file of the build when one has that
path, else `index.html`, whose router shows the page. Paths under the API's prefixes stay the
API's, so an unknown `/api/...` is still a 404 problem, never the app's HTML. Hashed assets are
cached for a year; `index.html` is revalidated every time, so a new build is seen at once.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

API_PREFIXES = ("api/", "graphql", "ws", "webhooks/")
# The app's own scripts and styles only; Mantine writes its CSS variables in a <style> element,
# and the live console opens a WebSocket to this host.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws: wss:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
_IMMUTABLE = "public, max-age=31536000, immutable"
_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title>
</head><body style="font-family: system-ui; background:#1a1b1e; color:#c1c2c5; padding:3rem">
<h1>The web app is not built yet</h1>
<p>Run <code>make web</code> (or <code>make run</code>, which builds it) and reload this page.
The API is up: see <a style="color:#63e6be" href="/api/docs">/api/docs</a>.</p></body></html>"""


def web_router(dist: Path) -> APIRouter:
    root = dist.resolve()
    router = APIRouter(include_in_schema=False)

    @router.get("/{path:path}")
    async def web_app(path: str) -> Response:
        if path.startswith(API_PREFIXES) or path in ("api", "webhooks"):
            raise HTTPException(status_code=404, detail="Not Found")
        index = root / "index.html"
        if not index.is_file():
            return HTMLResponse(_NOT_BUILT, status_code=503, headers=_app_headers("no-store"))
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            cache = _IMMUTABLE if path.startswith("assets/") else "no-cache"
            return FileResponse(candidate, headers=_app_headers(cache))
        if path.startswith("assets/"):
            raise HTTPException(status_code=404, detail="Not Found")  # a stale hashed asset
        return FileResponse(index, headers=_app_headers("no-cache"))

    return router


def _app_headers(cache_control: str) -> dict[str, str]:
    return {"Cache-Control": cache_control, "Content-Security-Policy": APP_CSP}
