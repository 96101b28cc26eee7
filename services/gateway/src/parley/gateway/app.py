"""Composition root of the gateway service: settings, then the service kit, then run.

Nothing connects at import time; `build` wires everything and the start hook, run once NATS and
Postgres are up, builds the HTTP application over them and opens the public port.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from parley.contracts.streams import BILLING, FLOW_ENGINE
from parley.gateway import __version__
from parley.gateway.adapters.idempotency_store import IdempotencyStore
from parley.gateway.adapters.services import Services
from parley.gateway.api.app import create_api
from parley.gateway.api.authentication import IdentityAuthenticator
from parley.gateway.api.context import GatewayContext
from parley.gateway.application.channels import Channels
from parley.gateway.application.executions import Executions
from parley.gateway.application.flows import Flows
from parley.gateway.application.registration import WorkspaceRegistration
from parley.gateway.application.services import IdentityServices
from parley.gateway.http_server import HttpServer
from parley.gateway.live import LiveFeed
from parley.gateway.metrics import GatewayMetrics, RequestMetrics
from parley.gateway.settings import GatewaySettings
from parley.runtime.quotas import Quotas
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "gateway"
DESCRIPTION = (
    "Parley gateway service: "
    "public REST, GraphQL and WebSocket entry point, auth and webhook ingress."
)
MIGRATIONS = Path(__file__).with_name("migrations")


def _now() -> datetime:
    return datetime.now(UTC)


def build(settings: GatewaySettings | None = None) -> Service:
    """The service, wired; settings come from the environment unless given (tests)."""
    gateway_settings = settings or load_settings(GatewaySettings)
    service = Service(
        name=NAME,
        version=__version__,
        settings=gateway_settings,
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )
    # The live console reads execution events, and every new workspace is registered with
    # billing by a command: those streams are the flow-engine's and billing's, created from the
    # one catalog if the gateway starts first.
    service.streams = (*service.streams, FLOW_ENGINE, BILLING)
    service.on_start.append(lambda started: _serve(started, gateway_settings))
    return service


async def _serve(service: Service, settings: GatewaySettings) -> None:
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    services = Services(service.nc, timeout=settings.query_timeout_seconds)
    quotas = Quotas(service.nc)
    identity = IdentityServices.build(
        service.engine,
        service.schema,
        secret,
        _now,
        access_ttl=timedelta(seconds=settings.access_token_ttl_seconds),
        refresh_ttl=timedelta(days=settings.refresh_token_ttl_days),
        quotas=quotas,
        on_workspace_created=WorkspaceRegistration(services),
    )
    executions = Executions(services)
    feed = LiveFeed(service.nc, flow_of=executions.flow_of)
    await feed.start()
    service.on_stop.append(feed.stop)
    context = GatewayContext(
        settings=settings,
        nc=service.nc,
        services=services,
        authenticator=IdentityAuthenticator(
            identity.identity, api_key_per_minute=settings.rate_limit_per_api_key
        ),
        identity=identity,
        flows=Flows(services, quotas),
        executions=executions,
        channels=Channels(services, quotas),
        hub=feed.hub,
        quotas=quotas,
    )
    app = create_api(context, IdempotencyStore(service.engine, service.schema))
    metered = RequestMetrics(app, GatewayMetrics(service.metrics))
    server = HttpServer(metered, settings.http_host, settings.http_port)
    await server.start()
    service.on_stop.append(server.stop)


def main() -> None:
    run_service(build())
