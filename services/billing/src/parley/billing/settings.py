"""Settings of the billing service."""

from __future__ import annotations

from parley.runtime.settings import Port, ServiceSettings


class BillingSettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9105
