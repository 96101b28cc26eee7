"""Everything a request handler may use, built once by the composition root and kept on
`app.state.context`: no module-level clients."""

from __future__ import annotations

from dataclasses import dataclass

from nats.aio.client import Client as NatsClient

from parley.gateway.adapters.services import Services
from parley.gateway.api.access import Authenticator
from parley.gateway.application.channels import Channels
from parley.gateway.application.executions import Executions
from parley.gateway.application.flows import Flows
from parley.gateway.application.services import IdentityServices
from parley.gateway.live import LiveHub
from parley.gateway.settings import GatewaySettings
from parley.runtime.quotas import Quotas


@dataclass
class GatewayContext:
    settings: GatewaySettings
    nc: NatsClient
    services: Services
    authenticator: Authenticator
    identity: IdentityServices
    flows: Flows
    executions: Executions
    channels: Channels
    hub: LiveHub
    # The plan limits of each workspace (billing's entitlements), one cache for the process.
    quotas: Quotas
