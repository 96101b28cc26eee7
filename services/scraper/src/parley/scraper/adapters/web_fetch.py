"""Fetching a tenant-named website: the outbound-address guard on every hop, per-host
politeness, a size cap.

Each URL (and each redirect's target) is vetted by `parley.runtime.outbound` and the connection
goes only to the addresses it approved (a pinned resolver, as the HTTP node does), so a job cannot
reach our own network. Requests to one host are spaced by at least `min_delay`, or by the
Crawl-delay the site's robots.txt asks for when larger (capped). Every wait ends at once when
the job is cancelled.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import aiohttp

from parley.runtime.outbound import OutboundPolicy, OutboundRefused, VettedTarget, vet_url
from parley.runtime.outbound_http import pinned_connector
from parley.scraper.adapters.pacing import Pace

MAX_BYTES = 2 << 20
MAX_REDIRECTS = 4
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    status: int
    text: str
    content_type: str


@dataclass
class PoliteFetcher:
    policy: OutboundPolicy
    user_agent: str
    min_delay: float
    max_crawl_delay: float = 30.0
    timeout: float = 10.0
    crawl_delays: dict[str, float] = field(default_factory=dict)  # host -> robots' Crawl-delay
    _last_at: dict[str, float] = field(default_factory=dict)  # host -> last request's start
    requested: int = 0

    def ask_delay(self, host: str, seconds: float) -> None:
        self.crawl_delays[host] = min(max(0.0, seconds), self.max_crawl_delay)

    async def get(self, url: str, pace: Pace) -> Page:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                target = await vet_url(url, self.policy)
            except OutboundRefused as refused:
                raise FetchRefused(f"refused: {refused.reason}") from None
            await self._turn(target.host, pace)
            status, location, content_type, body = await pace.race(self._once(target))
            if status in _REDIRECTS and location:
                url = urljoin(url, location)  # vetted on the next pass, like the first URL
                continue
            return Page(url, status, body.decode(errors="replace"), content_type)
        raise FetchRefused(f"more than {MAX_REDIRECTS} redirects")

    async def _turn(self, host: str, pace: Pace) -> None:
        # Measured from the last request when this one is due, so a Crawl-delay learnt from
        # robots.txt already spaces the request right after it.
        delay = max(self.min_delay, self.crawl_delays.get(host, 0.0))
        last = self._last_at.get(host)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                await pace.sleep(wait)
        self._last_at[host] = time.monotonic()

    async def _once(self, target: VettedTarget) -> tuple[int, str, str, bytes]:
        connector = pinned_connector(target)
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        headers = {"User-Agent": self.user_agent, "Accept": "text/html,text/plain;q=0.9,*/*;q=0.5"}
        self.requested += 1
        try:
            async with (
                aiohttp.ClientSession(connector=connector, timeout=timeout) as session,
                session.get(target.url, headers=headers, allow_redirects=False) as response,
            ):
                body = await response.content.read(MAX_BYTES)
                return (
                    response.status,
                    response.headers.get("Location", ""),
                    response.headers.get("Content-Type", ""),
                    body,
                )
        except TimeoutError:
            raise FetchRefused(f"{target.host} did not answer within {self.timeout:g}s") from None
        except aiohttp.ClientError as err:
            raise FetchRefused(f"{target.host} could not be reached ({err})") from None
