"""Settings of the crm service."""

from __future__ import annotations

from pydantic import Field

from parley.runtime.settings import Port, ServiceSettings


class CrmSettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9104
    # The ISO 3166 region a phone number written without '+' is read in ("PT": 912 345 678).
    # Empty: such numbers are refused, except bare wa_ids of 8+ digits.
    default_region: str = Field(default="", pattern=r"^([A-Za-z]{2})?$")
