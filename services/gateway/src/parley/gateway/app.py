"""Composition root of the gateway service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from pathlib import Path

from parley.gateway import __version__
from parley.gateway.settings import GatewaySettings
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "gateway"
DESCRIPTION = (
    "Parley gateway service: "
    "public REST, GraphQL and WebSocket entry point, auth and webhook ingress."
)
MIGRATIONS = Path(__file__).with_name("migrations")


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(GatewaySettings),
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )


def main() -> None:
    run_service(build())
