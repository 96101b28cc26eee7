"""The seven services of Parley, as the CLI runs and checks them."""

from __future__ import annotations

SERVICES: tuple[str, ...] = (
    "gateway",
    "flow-engine",
    "messaging",
    "crm",
    "billing",
    "ai-rag",
    "scraper",
)


def module_of(service: str) -> str:
    """The module that `python -m` runs: `flow-engine` -> `parley.flow_engine`."""
    return "parley." + service.replace("-", "_")
