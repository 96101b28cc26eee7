"""Google Places API (New) Text Search: `POST {base}/v1/places:searchText`, a page of up to 20
places at a time, the next through `nextPageToken` (Google stops at 60 results per query).

Errors come as `{"error": {"code", "message", "status"}}`. RESOURCE_EXHAUSTED (429) and server
errors are retried with backoff, then the job fails saying so; PERMISSION_DENIED (403: a bad or
restricted key) and INVALID_ARGUMENT (400) fail it at once, since a retry would be refused too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiohttp

from parley.contracts.scraper.jobs import ScrapeRequested, ScrapeSource
from parley.scraper.adapters.pacing import Pace
from parley.scraper.adapters.sources import SourceFailed, Unit
from parley.scraper.domain.leads import Candidate, normalize_phone, region_of

FIELD_MASK = ",".join(
    (
        "places.id",
        "places.displayName",
        "places.formattedAddress",
        "places.internationalPhoneNumber",
        "places.nationalPhoneNumber",
        "places.websiteUri",
        "places.primaryType",
        "nextPageToken",
    )
)
PAGE_SIZE = 20
_RETRYABLE = frozenset({429, 500, 502, 503, 504})


class GooglePlaces:
    name: ScrapeSource = "google_places"

    def __init__(
        self,
        api_key: str,
        base_url: str,
        *,
        retry_delays: Sequence[float] = (1.0, 2.0, 4.0),
        timeout: float = 15.0,
    ) -> None:
        self._key = api_key
        self._url = base_url.rstrip("/") + "/v1/places:searchText"
        self._retry_delays = tuple(retry_delays)
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def units(self, job: ScrapeRequested, start: int, pace: Pace) -> AsyncIterator[Unit]:
        text = f"{job.query} in {job.location}" if job.location.strip() else job.query
        token = ""
        page = 0
        async with aiohttp.ClientSession(timeout=self._timeout) as session:
            while True:
                body: dict[str, Any] = {"textQuery": text, "pageSize": PAGE_SIZE}
                if job.country:
                    body["regionCode"] = job.country
                if token:
                    body["pageToken"] = token
                answer = await self._search(session, body, pace)
                page += 1
                token = str(answer.get("nextPageToken") or "")
                if page > start:  # pages up to `start` were read before a restart
                    places = answer.get("places") or []
                    yield Unit(
                        candidates=[_candidate(p, job.country) for p in places],
                        message=f"page {page} of results" + ("" if token else " (last)"),
                    )
                if not token:
                    return

    async def _search(
        self, session: aiohttp.ClientSession, body: dict[str, Any], pace: Pace
    ) -> dict[str, Any]:
        headers = {"X-Goog-Api-Key": self._key, "X-Goog-FieldMask": FIELD_MASK}
        last = ""
        for attempt in range(len(self._retry_delays) + 1):
            if attempt:
                await pace.sleep(self._retry_delays[attempt - 1])
            try:
                status, answer = await pace.race(self._post(session, body, headers))
            except (aiohttp.ClientError, TimeoutError) as err:
                last = f"Google Places could not be reached ({err.__class__.__name__})"
                continue
            if status == 200:
                return answer
            error = answer.get("error") or {}
            detail = f"{error.get('status', status)}: {error.get('message', '')}".strip(": ")
            if status == 403:
                raise SourceFailed(
                    f"the Places API key was refused ({detail}); check GOOGLE_PLACES_API_KEY "
                    "and that the Places API (New) is enabled for it"
                )
            if status not in _RETRYABLE:
                raise SourceFailed(f"Google Places refused the search ({detail})")
            last = f"Google Places answered {detail}"
        tries = len(self._retry_delays) + 1
        if "RESOURCE_EXHAUSTED" in last:
            raise SourceFailed(
                f"the Places API quota is exhausted ({last}, {tries} attempts); try again "
                "later or raise the quota in the Google Cloud console"
            )
        raise SourceFailed(f"{last} after {tries} attempts; try again later")

    async def _post(
        self, session: aiohttp.ClientSession, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        async with session.post(self._url, json=body, headers=headers) as response:
            try:
                answer = await response.json(content_type=None)
            except ValueError:
                answer = {}
            return response.status, answer if isinstance(answer, dict) else {}


def _candidate(place: dict[str, Any], country: str) -> Candidate:
    international = str(place.get("internationalPhoneNumber") or "")
    phone = normalize_phone(international) or normalize_phone(
        str(place.get("nationalPhoneNumber") or ""), country
    )
    name = place.get("displayName") or {}
    return Candidate(
        provider="google_places",
        provider_id=str(place.get("id") or ""),
        name=str(name.get("text", "") if isinstance(name, dict) else name)[:256],
        phone=phone,
        website=str(place.get("websiteUri") or "")[:500],
        address=str(place.get("formattedAddress") or "")[:500],
        category=str(place.get("primaryType") or "")[:200],
        country=region_of(phone) or country,
    )
