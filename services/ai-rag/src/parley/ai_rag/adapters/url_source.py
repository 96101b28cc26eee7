"""Fetch a knowledge-base URL through the outbound-address guard.

Every hop is vetted (`parley.runtime.outbound.vet_url`) and the connection goes to the vetted
addresses only (a pinned resolver), so neither DNS rebinding nor a redirect to 127.0.0.1 or the
metadata service reaches our network. Bodies are read up to `max_bytes`; the whole fetch,
redirects included, has one deadline. Every failure is a `UrlUnavailable` whose message says
what went wrong, in words a user can act on.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urljoin

import aiohttp

from parley.runtime.outbound import OutboundPolicy, OutboundRefused, VettedTarget, vet_url
from parley.runtime.outbound_http import pinned_connector

MAX_REDIRECTS = 5
USER_AGENT = "ParleyBot/1.0 (knowledge base import)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Fetched:
    content: bytes
    content_type: str  # as sent, e.g. "text/html; charset=utf-8"
    final_url: str  # after redirects


class UrlUnavailable(ValueError):
    def __init__(self, url: str, problem: str, *, retryable: bool = False) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.retryable = retryable


async def fetch_url(
    url: str, policy: OutboundPolicy, *, max_bytes: int = 10_000_000, timeout: float = 15
) -> Fetched:
    try:
        async with asyncio.timeout(timeout):
            return await _follow(url, policy, max_bytes)
    except TimeoutError:
        raise UrlUnavailable(url, f"no answer within {timeout:g} s", retryable=True) from None


async def _follow(url: str, policy: OutboundPolicy, max_bytes: int) -> Fetched:
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            target = await vet_url(current, policy)
        except OutboundRefused as refused:
            where = "" if current == url else f" (redirected to {current})"
            raise UrlUnavailable(url, f"refused{where}: {refused.reason}") from None
        location, fetched = await _get(url, target, max_bytes)
        if fetched is not None:
            return fetched
        current = urljoin(current, location)
    raise UrlUnavailable(url, f"more than {MAX_REDIRECTS} redirects")


async def _get(url: str, target: VettedTarget, max_bytes: int) -> tuple[str, Fetched | None]:
    """One hop: (the redirect's Location, None), or ("", the body)."""
    connector = pinned_connector(target)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html, text/markdown, text/plain, application/pdf;q=0.9, */*;q=0.5",
    }
    try:
        async with (
            aiohttp.ClientSession(connector=connector) as session,
            session.get(target.url, headers=headers, allow_redirects=False) as response,
        ):
            if response.status in _REDIRECTS:
                location = response.headers.get("Location", "")
                if not location:
                    raise UrlUnavailable(url, f"HTTP {response.status} redirect without a Location")
                return location, None
            if response.status != 200:
                raise UrlUnavailable(
                    url,
                    f"the server answered HTTP {response.status} {response.reason or ''}".strip(),
                    retryable=response.status in (408, 425, 429) or response.status >= 500,
                )
            declared = response.content_length
            if declared is not None and declared > max_bytes:
                raise UrlUnavailable(url, _too_big(max_bytes))
            body = await response.content.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise UrlUnavailable(url, _too_big(max_bytes))
            return "", Fetched(body, response.headers.get("Content-Type", ""), str(response.url))
    except aiohttp.ClientError as err:
        raise UrlUnavailable(url, f"the connection failed ({err})", retryable=True) from None


def _too_big(max_bytes: int) -> str:
    return f"the page is larger than {max_bytes / 1_000_000:g} MB; upload the file instead"
