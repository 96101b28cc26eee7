"""`Idempotency-Key` on POST: a retried request gets the first one's response, not a second
effect (a second flow, a second number connected).

The key is scoped to the caller (the bearer token's principal; for requests without one, the
token-less client's key alone is hashed with the path), and bound to the request: the same key
with another method, path or body is refused with 422. While the first request runs, a retry
gets 409. A response of ours that says "try again" (5xx) is not saved, so the retry does run.

Uploads (a CSV import, up to MAX_IMPORT_BYTES) refuse the header: honouring it means holding the
whole body to fingerprint it. A repeated upload is harmless anyway: it is a second import whose
rows merge into the contacts the first one made.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.gateway.adapters.idempotency_store import IdempotencyStore
from parley.gateway.api.middleware import read_body, send_problem
from parley.gateway.api.problems import FieldProblem, Problem

HEADER = b"idempotency-key"
MAX_KEY = 255
_REPLAYED = ("idempotent-replayed", "true")
_KEPT_HEADERS = {"content-type", "location"}
# The caller a key belongs to, from the Authorization header.
ScopeOf = Callable[[str], Awaitable[str]]


class Idempotency:
    def __init__(
        self,
        app: ASGIApp,
        store: IdempotencyStore,
        scope_of: ScopeOf,
        uploads: Sequence[re.Pattern[str]] = (),
    ) -> None:
        self.app = app
        self.store = store
        self.scope_of = scope_of
        self.uploads = tuple(uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", []))
        raw_key = headers.get(HEADER)
        if scope["type"] != "http" or scope["method"] != "POST" or raw_key is None:
            await self.app(scope, receive, send)
            return
        if any(pattern.match(scope["path"]) for pattern in self.uploads):
            rule = "is not accepted on an upload; send the file again to import it again"
            await send_problem(
                send,
                Problem(
                    422,
                    "INVALID_REQUEST",
                    f"Idempotency-Key: {rule}",
                    errors=[FieldProblem(field="Idempotency-Key", rule=rule)],
                ),
            )
            return
        key = raw_key.decode("latin-1").strip()
        if not 1 <= len(key) <= MAX_KEY:
            rule = f"must be 1 to {MAX_KEY} characters"
            await send_problem(
                send,
                Problem(
                    422,
                    "INVALID_REQUEST",
                    f"Idempotency-Key: {rule}",
                    errors=[FieldProblem(field="Idempotency-Key", rule=rule)],
                ),
            )
            return
        messages, body = await read_body(receive)
        caller = await self.scope_of(headers.get(b"authorization", b"").decode("latin-1"))
        fingerprint = hashlib.sha256(
            b"\0".join(
                [
                    scope["method"].encode(),
                    scope["path"].encode(),
                    scope.get("query_string", b""),
                    body,
                ]
            )
        ).hexdigest()
        claim = await self.store.claim(caller, key, fingerprint, datetime.now(UTC))
        if claim.outcome == "mismatch":
            await send_problem(
                send,
                Problem(
                    422,
                    "IDEMPOTENCY_KEY_REUSED",
                    "this Idempotency-Key was used for a different request; use a new key",
                ),
            )
            return
        if claim.outcome == "in_progress":
            await send_problem(
                send,
                Problem(
                    409,
                    "IDEMPOTENCY_IN_PROGRESS",
                    "a request with this Idempotency-Key is still running; retry shortly",
                    headers={"Retry-After": "1"},
                ),
            )
            return
        if claim.outcome == "replay":
            await _send_saved(send, claim.status, claim.headers, claim.body)
            return
        await self._run_and_save(scope, messages, send, caller, key)

    async def _run_and_save(
        self, scope: Scope, messages: list[Message], send: Send, caller: str, key: str
    ) -> None:
        pending = list(messages)
        status = 500
        kept: list[tuple[str, str]] = []
        chunks: list[bytes] = []

        async def replay_receive() -> Message:
            if pending:
                return pending.pop(0)
            return {"type": "http.disconnect"}

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.decode("latin-1").lower() in _KEPT_HEADERS:
                        kept.append((name.decode("latin-1"), value.decode("latin-1")))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_receive, capture)
        finally:
            if status >= 500:
                await self.store.release(caller, key)
            else:
                await self.store.complete(caller, key, status, kept, b"".join(chunks))


async def _send_saved(
    send: Send, status: int, headers: tuple[tuple[str, str], ...], body: bytes
) -> None:
    raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (*headers, _REPLAYED)]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
