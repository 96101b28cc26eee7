"""Composition root of the messaging service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from parley.messaging import __version__
from parley.messaging.settings import MessagingSettings
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "messaging"
DESCRIPTION = (
    "Parley messaging service: "
    "WhatsApp channels, providers, rate limits, retries and number health."
)


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(MessagingSettings),
        description=DESCRIPTION,
    )


def main() -> None:
    run_service(build())
