"""Settings of the gateway service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from parley.runtime.settings import Port, ServiceSettings

# services/gateway/src/parley/gateway/settings.py → the repository's root (an editable install).
_REPO_ROOT = Path(__file__).resolve().parents[5]


class GatewaySettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9101
    # The public door: REST, GraphQL, WebSocket and webhooks.
    http_host: str = "127.0.0.1"
    http_port: Port = 8080
    access_token_ttl_seconds: int = Field(default=900, ge=30, le=86_400)
    refresh_token_ttl_days: int = Field(default=30, ge=1, le=365)
    # Browsers on these origins may call the API (comma-separated; empty: same origin only).
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576)
    # A contact import's CSV upload has its own limit (streamed to the object store, never held
    # in memory); over it: 413.
    max_import_bytes: int = Field(default=50 * 1_048_576, ge=1024, le=1024 * 1_048_576)
    # A knowledge-base document's upload (PDF, Markdown, HTML, text), streamed to the object
    # store the same way; over it: 413. No more than ai-rag's MAX_DOCUMENT_BYTES, which it indexes.
    max_document_bytes: int = Field(default=20_000_000, ge=1024, le=1024 * 1_048_576)
    # Requests per minute, per client address and per API key; over it: 429 with Retry-After.
    rate_limit_per_ip: int = Field(default=1200, ge=1)
    rate_limit_per_api_key: int = Field(default=6000, ge=1)
    # Behind a reverse proxy (nginx, an Ingress) every request comes from the proxy's address:
    # set this, and the per-address limit takes the client from the last X-Forwarded-For hop,
    # the address the proxy saw. Only when the gateway is reachable through the proxy alone:
    # anyone reaching it directly could otherwise claim any address.
    trust_forwarded_for: bool = False
    # How long a request waits for a service's answer before it is a 503 naming the service.
    query_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    # Stripe signs its webhooks with the endpoint's secret (whsec_...); unset: Stripe is off.
    stripe_webhook_secret: SecretStr | None = None
    # Where people reach the web app (https://app.example.com), for the links Stripe sends them
    # back to after a checkout or the billing portal; empty: the request's own base URL.
    public_url: str = Field(default="", max_length=500, pattern=r"^(https?://\S+)?$")
    stripe_signature_tolerance_seconds: int = Field(default=300, ge=1, le=3600)
    # WebSocket: events a client may fall behind by before it is closed (4008).
    ws_client_buffer: int = Field(default=1000, ge=10, le=100_000)
    # The built web app served at `/` (`make web`); by default the repository's `web/dist`.
    web_dist_dir: Path = Field(default_factory=lambda: _REPO_ROOT / "web" / "dist")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value
