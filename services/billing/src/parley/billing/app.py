"""Composition root of the billing service: settings, then the service kit, then run.

Nothing connects at import time; `main` builds everything and hands it to the runner.
"""

from __future__ import annotations

from parley.billing import __version__
from parley.billing.settings import BillingSettings
from parley.runtime.service import Service, run_service
from parley.runtime.settings import load_settings

NAME = "billing"
DESCRIPTION = "Parley billing service: plans, usage metering, quotas and Stripe."


def build() -> Service:
    return Service(
        name=NAME,
        version=__version__,
        settings=load_settings(BillingSettings),
        description=DESCRIPTION,
    )


def main() -> None:
    run_service(build())
