"""Instagram through the official Graph API's business discovery: one lookup per username,
`GET {base}/{version}/{ig_user_id}?fields=business_discovery.username(<name>){...}`, reading a
business or creator account's public profile. Phones, e-mails and wa.me links come from its
biography and website link.

Graph errors are `{"error": {"message", "type", "code"}}`: codes 4, 17, 32 and 613 are rate
limits (retried with backoff, then the job fails saying when to try again), 190 and 102 a token
that no longer works and 10/200 a missing permission (the job fails), 100 and 110 a username
that is not a business or creator account (that username is skipped as an error).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp

from parley.contracts.scraper.jobs import ScrapeRequested, ScrapeSource
from parley.scraper.adapters.pacing import Pace
from parley.scraper.adapters.sources import SourceFailed, Unit
from parley.scraper.domain.extract import from_text, whatsapp_number
from parley.scraper.domain.job import usernames
from parley.scraper.domain.leads import Candidate, region_of

PROFILE_FIELDS = "username,name,biography,website,followers_count"
RATE_LIMITS = frozenset({4, 17, 32, 613})
TOKEN_REFUSED = frozenset({102, 190})
PERMISSION = frozenset({10, 200})
UNKNOWN_USER = frozenset({100, 110})


class _RateLimited(Exception):
    pass


class InstagramDiscovery:
    name: ScrapeSource = "instagram"

    def __init__(
        self,
        access_token: str,
        ig_user_id: str,
        base_url: str,
        version: str,
        *,
        retry_delays: Sequence[float] = (2.0, 10.0, 30.0),
        timeout: float = 15.0,
    ) -> None:
        self._token = access_token
        self._url = f"{base_url.rstrip('/')}/{version.strip('/')}/{ig_user_id}"
        self._retry_delays = tuple(retry_delays)
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def units(self, job: ScrapeRequested, start: int, pace: Pace) -> AsyncIterator[Unit]:
        names = usernames(job.query)
        async with aiohttp.ClientSession(timeout=self._timeout) as session:
            for username in names[start:]:
                profile, problem = await self._lookup(session, username, pace)
                if profile is None:
                    yield Unit(message=f"@{username}: {problem}", errors=1, error=problem)
                    continue
                yield Unit(candidates=[_candidate(profile, job.country)], message=f"@{username}")

    async def _lookup(
        self, session: aiohttp.ClientSession, username: str, pace: Pace
    ) -> tuple[dict[str, Any] | None, str]:
        fields = f"business_discovery.username({username}){{{PROFILE_FIELDS}}}"
        params = {"fields": fields, "access_token": self._token}
        for attempt in range(len(self._retry_delays) + 1):
            if attempt:
                await pace.sleep(self._retry_delays[attempt - 1])
            try:
                status, answer = await pace.race(self._get(session, params))
            except (aiohttp.ClientError, TimeoutError) as err:
                last = f"the Graph API could not be reached ({err.__class__.__name__})"
                continue
            error = answer.get("error")
            if status == 200 and not error:
                found = answer.get("business_discovery")
                if isinstance(found, dict):
                    return found, ""
                return None, "no business profile in the answer"
            code = int((error or {}).get("code") or 0)
            message = str((error or {}).get("message") or f"HTTP {status}")
            if code in RATE_LIMITS or status >= 500:
                last = f"the Graph API rate limit was reached (code {code}: {message})"
                continue
            if code in TOKEN_REFUSED:
                raise SourceFailed(
                    f"the Instagram access token was refused (code {code}: {message}); set a "
                    "fresh INSTAGRAM_ACCESS_TOKEN"
                )
            if code in PERMISSION:
                raise SourceFailed(
                    f"the Instagram token lacks a permission (code {code}: {message}); it "
                    "needs instagram_basic and pages_read_engagement"
                )
            if code in UNKNOWN_USER:
                return None, "not found, or not a business or creator account"
            return None, f"refused by the Graph API (code {code}: {message})"
        raise SourceFailed(f"{last}, {len(self._retry_delays) + 1} attempts; try again in an hour")

    async def _get(
        self, session: aiohttp.ClientSession, params: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        async with session.get(self._url, params=params) as response:
            try:
                answer = await response.json(content_type=None)
            except ValueError:
                answer = {}
            return response.status, answer if isinstance(answer, dict) else {}


def _candidate(profile: dict[str, Any], country: str) -> Candidate:
    website = str(profile.get("website") or "")
    details = from_text(str(profile.get("biography") or ""), country)
    link_number = whatsapp_number(website)
    phone = link_number or details.best_phone
    return Candidate(
        provider="instagram",
        provider_id=str(profile.get("username") or "").lower(),
        name=str(profile.get("name") or profile.get("username") or "")[:256],
        phone=phone,
        email=(details.emails or [""])[0][:320],
        website="" if link_number else website[:500],
        category=str(profile.get("category") or "")[:200],
        country=region_of(phone) or country,
    )
