"""The health HTTP server of a service: `/healthz`, `/readyz` and `/metrics` on its own port.

It starts before anything connects, so an orchestrator sees the process alive (`/healthz` 200)
while `/readyz` answers 503 and names what is still missing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from parley.runtime.readiness import Readiness


class HealthServer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        readiness: Callable[[], Awaitable[Readiness]],
        metrics: Callable[[], bytes],
    ) -> None:
        self.host = host
        self.port = port
        self._readiness = readiness
        self._metrics = metrics
        self._runner: web.AppRunner | None = None

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics_page)
        return app

    async def start(self) -> None:
        runner = web.AppRunner(self._app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise RuntimeError(
                f"health server cannot listen on {self.host}:{self.port}: {exc.strerror}; "
                "set HEALTH_PORT to a free port"
            ) from exc
        self._runner = runner

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def _readyz(self, _: web.Request) -> web.Response:
        readiness = await self._readiness()
        return web.json_response(readiness.as_json(), status=200 if readiness.ready else 503)

    async def _metrics_page(self, _: web.Request) -> web.Response:
        return web.Response(body=self._metrics(), headers={"Content-Type": CONTENT_TYPE_LATEST})
