"""The gateway's own Prometheus metrics: HTTP requests and open WebSockets.

`RequestMetrics` wraps the whole ASGI application, outside every middleware, so a request the
rate limit or the body limit refuses is counted too. Requests are labelled by the route's
template (`/api/v1/workspaces/{workspace_id}/flows`), never the raw path, so the number of
series stays bounded; Starlette's router leaves the matched route in the scope. WebSockets
(`/ws` and GraphQL subscriptions on `/graphql`) are counted from their accept to their end.
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.runtime.metrics import ServiceMetrics

# Neither a route template nor a path: refused before routing (429, 413) or no route matched.
UNROUTED = "unrouted"


class GatewayMetrics:
    def __init__(self, metrics: ServiceMetrics) -> None:
        registry = metrics.registry
        self.requests = Counter(
            metrics.name("http_requests", "total"),
            "HTTP requests answered, by route template, method and status code.",
            ["route", "method", "status"],
            registry=registry,
        )
        self.duration = Histogram(
            metrics.name("http_request_duration", "seconds"),
            "Time to answer an HTTP request, by route template and method.",
            ["route", "method"],
            registry=registry,
        )
        self.websocket_clients = Gauge(
            metrics.name("websocket_clients"),
            "WebSockets open now, by route (/ws: the live console; /graphql: subscriptions).",
            ["route"],
            registry=registry,
        )
        self.websocket_connections = Counter(
            metrics.name("websocket_connections", "total"),
            "WebSockets accepted since start, by route.",
            ["route"],
            registry=registry,
        )


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNROUTED


class RequestMetrics:
    def __init__(self, app: ASGIApp, metrics: GatewayMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500  # an exception before any response is answered 500 by the server

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            route, method = _route(scope), str(scope.get("method", ""))
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.duration.labels(route, method).observe(time.perf_counter() - started)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        opened: str | None = None

        async def observed(message: Message) -> None:
            nonlocal opened
            await send(message)
            if message["type"] == "websocket.accept" and opened is None:
                opened = _route(scope)
                self.metrics.websocket_connections.labels(opened).inc()
                self.metrics.websocket_clients.labels(opened).inc()

        try:
            await self.app(scope, receive, observed)
        finally:
            if opened is not None:
                self.metrics.websocket_clients.labels(opened).dec()
