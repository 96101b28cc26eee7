"""Wiring of crm's segments: its consumers, projections and queries."""

from __future__ import annotations

from parley.crm.settings import CrmSettings
from parley.runtime.service import Service


def wire(service: Service, config: CrmSettings) -> None:
    del service, config
