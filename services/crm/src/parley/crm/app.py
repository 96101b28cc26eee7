"""Composition root of the crm service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from parley.crm import __version__
from parley.crm.settings import CrmSettings
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "crm"
DESCRIPTION = "Parley crm service: contacts, tags, fields, segments, consent and timelines."


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(CrmSettings),
        description=DESCRIPTION,
    )


def main() -> None:
    run_service(build())
