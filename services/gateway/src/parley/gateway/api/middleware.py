"""What every HTTP request goes through: size limit, rate limit per client address, security
headers. Pure ASGI, so a body is counted as it streams in, before any route reads it."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.gateway.api.problems import PROBLEM_MEDIA_TYPE, FieldProblem, Problem
from parley.gateway.domain.rate_window import RateWindow

_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
# The API answers JSON only; the docs page needs its own scripts, so it gets a looser policy.
_API_CSP = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
_DOCS_PATHS = ("/api/docs", "/graphql")
# The methods an upload route (a CSV import, a document's file or its replacement) takes.
UPLOAD_METHODS = ("POST", "PUT")


async def send_problem(send: Send, problem: Problem) -> None:
    body = json.dumps(problem.body().model_dump(mode="json", exclude_none=True)).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode(), v.encode()) for k, v in problem.headers.items()),
    ]
    await send({"type": "http.response.start", "status": problem.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(_SECURITY_HEADERS)
                # A response with its own policy (the web app's pages) keeps it.
                own_policy = any(name.lower() == b"content-security-policy" for name, _ in headers)
                if not own_policy and not path.startswith(_DOCS_PATHS):
                    headers.append(_API_CSP)
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """413 for a body over `max_bytes`, whether it says so up front or not. A route that
    streams its body somewhere (a CSV upload) has its own, larger limit in `uploads`:
    (path pattern, max bytes)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        *,
        uploads: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.uploads = tuple(uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_problem(send, self._too_large(limit))
            return
        received = 0
        started = False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, tracking)
        except _TooLarge:
            if not started:
                await send_problem(send, self._too_large(limit))

    def _limit(self, scope: Scope) -> int:
        if scope["method"] in UPLOAD_METHODS:
            for pattern, limit in self.uploads:
                if pattern.match(scope["path"]):
                    return limit
        return self.max_bytes

    @staticmethod
    def _too_large(limit: int) -> Problem:
        return Problem(413, "REQUEST_TOO_LARGE", f"the request body is over {limit} bytes")


class _TooLarge(Exception):
    pass


class ClientRateLimit:
    """Requests per minute per client address (the last proxy hop's X-Forwarded-For when the
    gateway is told it sits behind one)."""

    def __init__(self, app: ASGIApp, per_minute: int, *, trust_forwarded: bool = False) -> None:
        self.app = app
        self.window = RateWindow(per_minute, 60.0)
        self.trust_forwarded = trust_forwarded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/webhooks/"):
            # Meta and Stripe retry whatever we refuse; their bursts must not be thrown away.
            await self.app(scope, receive, send)
            return
        wait = self.window.take(self._client(scope), time.monotonic())
        if wait > 0:
            await send_problem(send, too_many(wait, "this address"))
            return
        await self.app(scope, receive, send)

    def _client(self, scope: Scope) -> str:
        if self.trust_forwarded:
            forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for")
            if forwarded:
                return str(forwarded.decode("latin-1").split(",")[-1].strip())
        client = scope.get("client")
        return str(client[0]) if client else "unknown"


def too_many(wait: float, who: str) -> Problem:
    seconds = max(1, round(wait + 0.5))
    return Problem(
        429,
        "RATE_LIMITED",
        f"too many requests from {who}; retry in {seconds} s",
        headers={"Retry-After": str(seconds)},
    )


class TextGuard:
    """422 for text no store can keep, anywhere in a request's path, query or JSON body: the NUL
    character, and a lone UTF-16 surrogate (`"\\ud83d"` without its pair: not Unicode at all).

    PostgreSQL text and JSONB cannot hold U+0000, and a lone surrogate cannot be encoded as
    UTF-8, so such a value would fail deep inside a service (and, in an event, hold up a
    projection or a read of every record) instead of at the door with a clear rule.
    """

    def __init__(self, app: ASGIApp, *, uploads: Sequence[re.Pattern[str]] = ()) -> None:
        self.app = app
        # Uploads stream through (a CSV is not JSON; it is read row by row, never held whole).
        self.uploads = tuple(uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A webhook is stored as its bytes and never refused for what a customer typed.
        if scope["type"] != "http" or scope["path"].startswith("/webhooks/"):
            await self.app(scope, receive, send)
            return
        if scope["method"] in UPLOAD_METHODS and any(p.match(scope["path"]) for p in self.uploads):
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            await send_problem(send, _text_problem("path or query", NUL_RULE))
            return
        messages, body = await read_body(receive)
        if _SUSPECT.search(body):
            rule = _unstorable(body)
            if rule:
                await send_problem(send, _text_problem("body", rule))
                return

        async def replay() -> Message:
            # Once the body is handed on, the client's own messages follow: answering
            # `http.disconnect` here would tell a streaming response the client had left.
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def read_body(receive: Receive) -> tuple[list[Message], bytes]:
    """The whole body, and the messages it came in (to hand on to the app as they were)."""
    messages: list[Message] = []
    body = bytearray()
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body.extend(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return messages, bytes(body)


NUL_RULE = "must not contain the NUL character (U+0000)"
SURROGATE_RULE = r"must be valid Unicode: a lone UTF-16 surrogate (\ud800-\udfff) is not"
# Cheap first look: a NUL byte, or a JSON escape of U+0000 or of a surrogate.
_SUSPECT = re.compile(rb"\x00|\\u0000|\\u[dD][89a-fA-F]")


def _unstorable(body: bytes) -> str | None:
    """The rule a JSON body's text breaks, if any (None: every string is storable)."""
    try:
        decoded = json.loads(body)
    except ValueError:
        return NUL_RULE if b"\x00" in body else None  # not JSON: the route answers 422 itself
    pending = [decoded]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return NUL_RULE
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return SURROGATE_RULE
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return None


def _text_problem(where: str, rule: str) -> Problem:
    return Problem(
        422, "INVALID_REQUEST", f"{where}: {rule}", errors=[FieldProblem(field=where, rule=rule)]
    )
