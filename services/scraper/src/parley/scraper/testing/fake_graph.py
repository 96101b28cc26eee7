"""A fake of the Graph API's Instagram business discovery:
`GET /{version}/{ig_user_id}?fields=business_discovery.username(<name>){...}&access_token=`.

Known accounts answer `{"business_discovery": {...}, "id": <ig_user_id>}` with the fields asked
for; an unknown username answers code 100 (as Graph does for an account that is not a business
or creator account); a wrong token code 190 (OAuthException); a rate-limit switch answers code
4 ("Application request limit reached") to the next N requests.
"""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import Any

from aiohttp import web

from parley.scraper.testing.server import LocalServer, serve_forever

_FIELDS = re.compile(r"^business_discovery\.username\(([^)]*)\)\{([^}]*)\}$")

SAMPLE_ACCOUNTS: dict[str, dict[str, Any]] = {
    "padaria.lisboa": {
        "username": "padaria.lisboa",
        "name": "Padaria Lisboa",
        "biography": "Pão fresco todos os dias 🥖 Encomendas: wa.me/351912345678",
        "website": "https://padaria-lisboa.example.pt",
        "followers_count": 1520,
    },
    "cafe_porto": {
        "username": "cafe_porto",
        "name": "Café Porto",
        "biography": "Café de especialidade. Tel. 22 123 4567 · ola@cafeporto.example.pt",
        "website": "https://wa.me/351223334455",
        "followers_count": 830,
    },
    "florista.faro": {
        "username": "florista.faro",
        "name": "Florista Faro",
        "biography": "Flores para todas as ocasiões",
        "website": "",
        "followers_count": 210,
    },
}


def _error(status: int, code: int, message: str, kind: str = "OAuthException") -> web.Response:
    body = {"error": {"message": message, "type": kind, "code": code, "fbtrace_id": "AfakeTrace"}}
    return web.json_response(body, status=status)


class FakeGraph(LocalServer):
    def __init__(
        self,
        access_token: str = "fake-graph-token",
        ig_user_id: str = "17841400000000001",
        accounts: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__()
        self.access_token = access_token
        self.ig_user_id = ig_user_id
        self.accounts = dict(SAMPLE_ACCOUNTS if accounts is None else accounts)
        self.rate_limited = 0  # answer code 4 to this many requests from now on

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/{version}/{node}", self._node)

    def lookups(self) -> list[str]:
        found = []
        for r in self.requests:
            match = re.search(r"username%28([^%]*)%29|username\(([^)]*)\)", r.query)
            if match:
                found.append(match.group(1) or match.group(2))
        return found

    async def _node(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != self.access_token:
            return _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if request.match_info["node"] != self.ig_user_id:
            return _error(
                400, 100, "Unsupported get request. Object does not exist.", "GraphMethodException"
            )
        if self.rate_limited > 0:
            self.rate_limited -= 1
            return _error(400, 4, "Application request limit reached")
        match = _FIELDS.match(request.query.get("fields", ""))
        if match is None:
            return _error(400, 100, "Tried accessing nonexisting field (fields)")
        username, wanted = match.group(1).lower(), match.group(2).split(",")
        account = self.accounts.get(username)
        if account is None:
            return _error(
                400,
                100,
                f"Invalid user id: the account {username} is not a business or creator account",
            )
        found = {k: v for k, v in account.items() if k in wanted}
        found["id"] = f"1784{abs(hash(username)) % 10**11:011d}"
        return web.json_response({"business_discovery": found, "id": self.ig_user_id})


def main() -> None:
    parser = argparse.ArgumentParser(description="fake Graph API business discovery")
    parser.add_argument("--port", type=int, default=12122)
    args = parser.parse_args()
    fake = FakeGraph()
    fake.port = args.port
    banner = (
        "fake Graph API on {url} (token " + fake.access_token + ", ig user " + fake.ig_user_id + ")"
    )
    asyncio.run(serve_forever(fake, banner))


if __name__ == "__main__":
    main()
