"""Composition root of the crm service: settings, then the service kit, then run.

Nothing connects at import time; `build` wires everything and hands it to the runner. Each area
of the service (contacts and consent, segments and reads, timelines, imports) wires its own
consumers, projections and queries in `parley.crm.wiring`, so this file stays the table of
contents.
"""

from __future__ import annotations

from pathlib import Path

from parley.contracts.streams import FLOW_ENGINE, MESSAGING, SCRAPER
from parley.crm import __version__
from parley.crm.settings import CrmSettings
from parley.crm.wiring import contacts, imports, segments, timeline
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "crm"
DESCRIPTION = "Parley crm service: contacts, tags, fields, segments, consent and timelines."
MIGRATIONS = Path(__file__).with_name("migrations")


def build(settings: CrmSettings | None = None) -> Service:
    """The service, wired; settings come from the environment unless given (tests)."""
    config = settings or load_settings(CrmSettings)
    service = Service(
        name=NAME,
        version=__version__,
        settings=config,
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )
    # crm reads messaging's messages (contacts, STOP, timelines), the flow engine's steps
    # (timelines) and the scraper's leads; it creates those streams (from the one catalog) if
    # it starts before their owners.
    service.streams = (*service.streams, MESSAGING, FLOW_ENGINE, SCRAPER)
    contacts.wire(service, config)
    segments.wire(service, config)
    timeline.wire(service, config)
    imports.wire(service, config)
    return service


def main() -> None:
    run_service(build())
