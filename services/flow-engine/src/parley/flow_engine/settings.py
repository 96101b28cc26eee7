"""Settings of the flow-engine service."""

from __future__ import annotations

from parley.runtime.settings import Port, ServiceSettings


class FlowEngineSettings(ServiceSettings):
    # Each service has its own default health port, so all seven run side by side on one host.
    health_port: Port = 9102
    # HTTP nodes may call private, loopback and link-local addresses only when this is set
    # (OUTBOUND_ALLOW_PRIVATE=true): for self-hosters whose flows call their own intranet.
    outbound_allow_private: bool = False
    # Campaigns: how often the dispatcher hands out sends (its pace is kept by a token bucket;
    # a pause takes effect within a tick or two), and how long a launch waits for each page of
    # crm's audience.
    campaign_tick_seconds: float = 0.05
    campaign_query_timeout: float = 15.0
