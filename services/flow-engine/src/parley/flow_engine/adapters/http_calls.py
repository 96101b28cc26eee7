"""Runs an HTTP node's request and turns the outcome into the input the execution records.

The URL is vetted by the outbound guard first and the connection goes only to the addresses it
approved (a pinned resolver), so a tenant's flow cannot call into our network. Every outcome,
including refusals and timeouts, becomes an answer for the node's `error` port with a reason the
flow author can read in the execution timeline, marked retryable when another attempt could
succeed (timeouts, connection errors, 408/425/429/5xx); nothing here raises.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import aiohttp

from parley.contracts.executions.events import ExternalCallRequested
from parley.contracts.executions.inputs import DeliverExternalAnswer
from parley.runtime.outbound import OutboundPolicy, OutboundRefused, vet_url
from parley.runtime.outbound_http import pinned_connector

MAX_RESPONSE_BYTES = 1 << 20
DEFAULT_POLICY = OutboundPolicy()
TEXT_EXCERPT = 2000
# Worth another attempt: the server is busy, overloaded or briefly broken. Any other non-2xx
# answer would come back the same.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


async def call(
    request: ExternalCallRequested, *, at: datetime, policy: OutboundPolicy = DEFAULT_POLICY
) -> DeliverExternalAnswer:
    """Perform the request; `at` is the engine's clock when the answer is recorded."""
    spec = request.request

    def answer(
        ok: bool, result: dict[str, Any], *, retryable: bool = False
    ) -> DeliverExternalAnswer:
        return DeliverExternalAnswer(
            request_id=request.request_id, ok=ok, retryable=retryable, result=result, at=at
        )

    try:
        target = await vet_url(str(spec["url"]), policy)
    except OutboundRefused as refused:
        return answer(False, {"error": f"refused: {refused.reason}"})
    timeout = aiohttp.ClientTimeout(total=float(spec.get("timeout_seconds", 10)))
    connector = pinned_connector(target)
    body = str(spec.get("body") or "")
    headers = {str(k): str(v) for k, v in (spec.get("headers") or {}).items()}
    if body and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/json"
    try:
        async with (
            aiohttp.ClientSession(connector=connector, timeout=timeout) as session,
            session.request(
                str(spec.get("method", "GET")),
                target.url,
                data=body or None,
                headers=headers,
                allow_redirects=False,  # a redirect could point anywhere; the guard saw one URL
            ) as response,
        ):
            raw = await response.content.read(MAX_RESPONSE_BYTES)
            result: dict[str, Any] = {"status": response.status, **_decode(raw)}
            if 200 <= response.status < 300:
                return answer(True, result)
            result["error"] = f"HTTP {response.status} {response.reason or ''}".strip()
            return answer(False, result, retryable=response.status in RETRYABLE_STATUSES)
    except TimeoutError:
        return answer(False, {"error": f"timed out after {timeout.total:g}s"}, retryable=True)
    except aiohttp.ClientError as err:
        return answer(False, {"error": f"request failed: {err}"}, retryable=True)


def _decode(raw: bytes) -> dict[str, Any]:
    text = raw.decode(errors="replace")
    try:
        return {"json": json.loads(text), "text": text[:TEXT_EXCERPT]}
    except ValueError:
        return {"json": None, "text": text[:TEXT_EXCERPT]}
