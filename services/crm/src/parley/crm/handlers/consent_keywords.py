"""Mirrors each workspace's consent keywords into KV for messaging (`adapters/consent_mirror`).

On every ConsentKeywordsChanged it writes the settings as they are *now* in the log, not the
event's payload: a redelivered or late older event then rewrites the latest choice, never an
outdated one, so the mirror is idempotent and order-proof.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.crm.events import SETTINGS_ID, ConsentKeywordsChanged
from parley.contracts.streams import CRM
from parley.crm.adapters.consent_mirror import ConsentMirror
from parley.crm.adapters.settings_store import SettingsStore
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.commits import types_of

CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="crm-consent-keywords-mirror",
    filter_subjects=(f"crm.evt.*.{SETTINGS_ID}",),
    max_deliver=20,
)


class ConsentKeywordsMirror:
    def __init__(self, nc: NatsClient) -> None:
        self._settings = SettingsStore(nc)
        self._mirror = ConsentMirror(nc)

    async def handle(self, msg: Msg) -> None:
        types = types_of(msg.headers) or []
        if ConsentKeywordsChanged.wire_name not in types:
            return
        workspace_id = msg.subject.split(".")[2]  # crm.evt.<workspace>.crm-settings
        settings = await self._settings.load(workspace_id)
        await self._mirror.write(workspace_id, settings.keywords)
