"""The public HTTP server (uvicorn) inside the service's lifecycle.

The service kit owns the process's signals (SIGTERM stops everything in order), so uvicorn must
not install its own handlers: `capture_signals` is a no-op here. The server starts after NATS,
Postgres and the live feed are up, and stops first, letting open requests finish.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator

import uvicorn
from starlette.types import ASGIApp

from parley.runtime.logs import get_logger

log = get_logger("parley.gateway.http")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class HttpServer:
    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,  # our structlog setup already owns the loggers
            access_log=False,
            lifespan="off",
            ws_max_size=1_048_576,
            timeout_graceful_shutdown=5,
            # Longer than a proxy's or client's idle timeout, so it is never the gateway that
            # closes an idle connection just as the other side sends on it (a reset request).
            timeout_keep_alive=75,
            proxy_headers=False,
        )
        # uvicorn logs each WebSocket's request line at info, query string and all: that would
        # put the `access_token` of every live console in the log.
        logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None
        self.host = host
        self.port = port

    async def start(self) -> None:
        # Bind here, so a port already in use fails start-up with a clear error.
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as err:
            sock.close()
            raise RuntimeError(f"HTTP_PORT {self.port} on {self.host}: {err.strerror}") from None
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="http server")
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError("the HTTP server stopped during start-up")
            await asyncio.sleep(0.01)
        log.info("http server listening", url=f"http://{self.host}:{self.port}")

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        await self._task
