"""A fake of Google Places API (New) Text Search, `POST /v1/places:searchText`.

It checks `X-Goog-Api-Key` (a wrong key: 403 PERMISSION_DENIED, as Google answers a refused
key) and requires `X-Goog-FieldMask` (400 INVALID_ARGUMENT without it), pages its places
`pageSize` (≤ 20) at a time with an opaque `nextPageToken` that must come back with the same
`textQuery`, stops at 60 results as Google does, answers only the masked fields, and can be
switched to answer 429 RESOURCE_EXHAUSTED for the next N requests, or to answer slowly.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
from typing import Any

from aiohttp import web

from parley.scraper.testing.server import LocalServer, serve_forever

MAX_RESULTS = 60


def sample_places(count: int, *, prefix: str = "Padaria", first: int = 0) -> list[dict[str, Any]]:
    """Lisbon businesses with distinct, valid Portuguese numbers."""
    places = []
    for n in range(first, first + count):
        number = f"{2130000 + n:07d}"
        places.append(
            {
                "id": f"ChIJfake{n:06d}",
                "displayName": {"text": f"{prefix} {n}", "languageCode": "pt"},
                "formattedAddress": f"Rua {n}, 1100-000 Lisboa, Portugal",
                "internationalPhoneNumber": f"+351 21 {number[:3]} {number[3:]}",
                "nationalPhoneNumber": f"21 {number[:3]} {number[3:]}",
                "websiteUri": f"https://padaria{n}.example.pt/",
                "primaryType": "bakery",
            }
        )
    return places


def _error(status: int, code: str, message: str) -> web.Response:
    body = {"error": {"code": status, "message": message, "status": code}}
    return web.json_response(body, status=status)


class FakePlaces(LocalServer):
    def __init__(
        self, api_key: str = "fake-places-key", places: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__()
        self.api_key = api_key
        self.places = places if places is not None else sample_places(45)
        self.quota_errors = 0  # answer 429 to this many requests from now on
        self.delay = 0.0  # seconds before each answer

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/places:searchText", self._search)

    def searches(self) -> int:
        return sum(1 for r in self.requests if r.path == "/v1/places:searchText")

    async def _search(self, request: web.Request) -> web.Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        if request.headers.get("X-Goog-Api-Key") != self.api_key:
            return _error(
                403,
                "PERMISSION_DENIED",
                "The provided API key is invalid, or the Places API (New) is not enabled.",
            )
        mask = request.headers.get("X-Goog-FieldMask", "")
        if not mask:
            return _error(400, "INVALID_ARGUMENT", "FieldMask is a required parameter.")
        if self.quota_errors > 0:
            self.quota_errors -= 1
            return _error(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'SearchTextRequest' of service "
                "'places.googleapis.com'.",
            )
        try:
            body = await request.json()
            text = str(body["textQuery"])
            size = int(body.get("pageSize") or 20)
        except (ValueError, KeyError, TypeError):
            return _error(400, "INVALID_ARGUMENT", "textQuery is required.")
        if not 1 <= size <= 20:
            size = 20
        offset = 0
        token = str(body.get("pageToken") or "")
        if token:
            try:
                held = json.loads(base64.urlsafe_b64decode(token))
                offset, same = int(held["offset"]), held["q"] == text
            except (ValueError, KeyError, TypeError):
                same = False
            if not same:
                return _error(400, "INVALID_ARGUMENT", "Invalid page token.")
        available = self.places[:MAX_RESULTS]
        page = available[offset : offset + size]
        answer: dict[str, Any] = {"places": [_masked(p, mask) for p in page]}
        if offset + size < len(available) and "nextPageToken" in mask:
            raw = json.dumps({"offset": offset + size, "q": text}).encode()
            answer["nextPageToken"] = base64.urlsafe_b64encode(raw).decode()
        return web.json_response(answer)


def _masked(place: dict[str, Any], mask: str) -> dict[str, Any]:
    fields = {f.strip().removeprefix("places.") for f in mask.split(",")}
    if "*" in fields:
        return place
    return {k: v for k, v in place.items() if k in fields}


def main() -> None:
    parser = argparse.ArgumentParser(description="fake Google Places API (New) Text Search")
    parser.add_argument("--port", type=int, default=12121)
    parser.add_argument("--key", default="fake-places-key")
    args = parser.parse_args()
    fake = FakePlaces(args.key)
    fake.port = args.port
    asyncio.run(serve_forever(fake, "fake Places API on {url} (key " + args.key + ")"))


if __name__ == "__main__":
    main()
