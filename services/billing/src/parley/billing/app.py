"""Composition root of the billing service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from pathlib import Path

from parley.billing import __version__
from parley.billing.settings import BillingSettings
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "billing"
DESCRIPTION = "Parley billing service: plans, usage metering, quotas and Stripe."
MIGRATIONS = Path(__file__).with_name("migrations")


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(BillingSettings),
        description=DESCRIPTION,
        migrations=MIGRATIONS,
    )


def main() -> None:
    run_service(build())
