"""The workspace's crm settings aggregate in the CRM stream (fields, consent keywords)."""

from __future__ import annotations

from nats.aio.client import Client as NatsClient

from parley.crm.adapters.aggregates import Aggregates, settings_subject
from parley.crm.domain import crm_settings
from parley.crm.domain.crm_settings import CrmSettings, SettingsCommand


class SettingsStore:
    def __init__(self, nc: NatsClient) -> None:
        self.aggregates: Aggregates[CrmSettings, SettingsCommand] = Aggregates(
            nc, CrmSettings, crm_settings.evolve, crm_settings.decide
        )

    async def load(self, workspace_id: str) -> CrmSettings:
        """The latest settings, from the log (never the read model, which may lag)."""
        state, _ = await self.aggregates.load(settings_subject(workspace_id))
        return state
