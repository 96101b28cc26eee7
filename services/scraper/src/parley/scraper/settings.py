"""Settings of the scraper service.

A source without its credentials is "not configured": list-sources says which setting it
needs and start-scrape refuses it with SOURCE_NOT_CONFIGURED. The website source needs none.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from parley.runtime.outbound import OutboundPolicy
from parley.runtime.settings import Port, ServiceSettings


class ScraperSettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9107
    # Google Places API (New): the key, and where the API is (a local fake in tests).
    google_places_api_key: SecretStr | None = None
    google_places_base_url: str = Field(
        default="https://places.googleapis.com", pattern=r"^https?://"
    )
    # Instagram Graph API business discovery: a token with instagram_basic and
    # pages_read_engagement, and the id of the Instagram business account that asks.
    instagram_access_token: SecretStr | None = None
    instagram_user_id: str = ""
    graph_api_base_url: str = Field(default="https://graph.facebook.com", pattern=r"^https?://")
    graph_api_version: str = Field(default="v23.0", pattern=r"^v\d+\.\d+$")
    # Website source: the least time between two requests to one host (a robots.txt
    # Crawl-delay that asks for more wins, up to 30 s), the user agent, the request timeout.
    scrape_min_delay: float = Field(default=1.0, ge=0, le=60)
    scrape_user_agent: str = "ParleyBot/0.1 (+https://parley.example/bot)"
    scrape_timeout: float = Field(default=10.0, gt=0, le=60)
    # Backoff of a source's retries on quota and rate-limit errors (seconds, comma separated).
    scrape_retry_delays: Annotated[tuple[float, ...], NoDecode] = (1.0, 4.0, 15.0)
    # Websites are named by tenants: private, loopback and link-local addresses are refused
    # unless allowed here (self-hosters scraping their intranet), or a host is listed by name.
    outbound_allow_private: bool = False
    outbound_allowed_hosts: Annotated[frozenset[str], NoDecode] = frozenset()

    @field_validator("scrape_retry_delays", mode="before")
    @classmethod
    def _delays(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(float(p) for p in value.split(",") if p.strip())
        return value

    @field_validator("outbound_allowed_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(p.strip().lower() for p in value.split(",") if p.strip())
        return value

    @property
    def outbound_policy(self) -> OutboundPolicy:
        return OutboundPolicy(
            allow_private=self.outbound_allow_private, allowed_hosts=self.outbound_allowed_hosts
        )

    @property
    def places_key(self) -> str:
        return self.google_places_api_key.get_secret_value() if self.google_places_api_key else ""

    @property
    def instagram_token(self) -> str:
        token = self.instagram_access_token
        return token.get_secret_value() if token is not None else ""
