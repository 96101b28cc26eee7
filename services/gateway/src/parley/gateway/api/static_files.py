"""The web app (`web/dist`, built by `make web`) served at `/`.

Any GET that is not the API's is the single-page app: a file of the build when one has that
path, else `index.html`, whose router shows the page. Paths under the API's prefixes stay the
API's, so an unknown `/api/...` is still a 404 problem, never the app's HTML. Hashed assets are
cached for a year; `index.html` is revalidated every time, so a new build is seen at once.
Text files go out gzipped to a client that accepts it (the bundle shrinks to about a third),
each compressed once and kept while its file is unchanged.
"""

from __future__ import annotations

import gzip
import mimetypes
import os
from pathlib import Path
from typing import Literal

import anyio
from fastapi import APIRouter, HTTPException, Request
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
_COMPRESSIBLE = {".js", ".css", ".html", ".svg", ".json", ".txt", ".map"}
_MIN_COMPRESS_BYTES = 1024
_NOT_BUILT = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title>
</head><body style="font-family: system-ui; background:#1a1b1e; color:#c1c2c5; padding:3rem">
<h1>The web app is not built yet</h1>
<p>Run <code>make web</code> (or <code>make run</code>, which builds it) and reload this page.
The API is up: see <a style="color:#63e6be" href="/api/docs">/api/docs</a>.</p></body></html>"""


class _GzipCache:
    """Compressed bodies by file, keyed by its size and modification time so a rebuilt file is
    compressed afresh. A build is a few dozen files: the cache stays small."""

    def __init__(self) -> None:
        self._bodies: dict[Path, tuple[tuple[int, int], bytes]] = {}

    async def body(self, path: Path, stat: os.stat_result) -> bytes:
        version = (stat.st_size, stat.st_mtime_ns)
        kept = self._bodies.get(path)
        if kept and kept[0] == version:
            return kept[1]
        data = await anyio.to_thread.run_sync(lambda: gzip.compress(path.read_bytes(), 6))
        self._bodies[path] = (version, data)
        return data


def web_router(dist: Path) -> APIRouter:
    root = dist.resolve()
    router = APIRouter(include_in_schema=False)
    compressed = _GzipCache()

    async def send_file(request: Request, found: _Found) -> Response:
        path, stat, cache_control = found
        headers = _app_headers(cache_control)
        if path.suffix not in _COMPRESSIBLE or stat.st_size < _MIN_COMPRESS_BYTES:
            return FileResponse(path, headers=headers, stat_result=stat)
        headers["Vary"] = "Accept-Encoding"
        if "gzip" not in request.headers.get("accept-encoding", ""):
            return FileResponse(path, headers=headers, stat_result=stat)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers["Content-Encoding"] = "gzip"
        return Response(await compressed.body(path, stat), media_type=media_type, headers=headers)

    @router.get("/{path:path}")
    async def web_app(path: str, request: Request) -> Response:
        if path.startswith(API_PREFIXES) or path in ("api", "webhooks"):
            raise HTTPException(status_code=404, detail="Not Found")
        found = await anyio.to_thread.run_sync(_locate, root, path)
        if found is None:
            raise HTTPException(status_code=404, detail="Not Found")  # a stale hashed asset
        if found == "not built":
            return HTMLResponse(_NOT_BUILT, status_code=503, headers=_app_headers("no-store"))
        return await send_file(request, found)

    return router


_Found = tuple[Path, os.stat_result, str]


def _locate(root: Path, path: str) -> _Found | Literal["not built"] | None:
    """The file to answer with, its stat and its cache policy (blocking: run in a thread)."""
    index = root / "index.html"
    if not index.is_file():
        return "not built"
    candidate = (root / path).resolve()
    if path and candidate.is_file() and candidate.is_relative_to(root):
        cache = _IMMUTABLE if path.startswith("assets/") else "no-cache"
        return candidate, candidate.stat(), cache
    if path.startswith("assets/"):
        return None
    return index, index.stat(), "no-cache"


def _app_headers(cache_control: str) -> dict[str, str]:
    return {"Cache-Control": cache_control, "Content-Security-Policy": APP_CSP}
