"""Composition root of the gateway service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from parley.gateway import __version__
from parley.gateway.settings import GatewaySettings
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "gateway"
DESCRIPTION = (
    "Parley gateway service: "
    "public REST, GraphQL and WebSocket entry point, auth and webhook ingress."
)


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(GatewaySettings),
        description=DESCRIPTION,
    )


def main() -> None:
    run_service(build())
