"""Composition root of the scraper service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings
from parley.scraper import __version__
from parley.scraper.settings import ScraperSettings

NAME = "scraper"
DESCRIPTION = "Parley scraper service: lead-capture jobs and providers."


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(ScraperSettings),
        description=DESCRIPTION,
    )


def main() -> None:
    run_service(build())
