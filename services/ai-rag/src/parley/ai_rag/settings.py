"""Settings of the ai-rag service."""

from __future__ import annotations

from parley.runtime.settings import Port, ServiceSettings


class AiRagSettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9106
