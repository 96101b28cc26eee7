"""crm's opt-outs of campaign recipients: counted in the stats, and a recipient still waiting
for their message is skipped (messaging refuses the send at its door too; this also spares the
send being tried)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.crm.events import ContactOptedOut
from parley.contracts.streams import CRM
from parley.flow_engine.adapters.campaign_recipients import record_opt_out
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="campaign-opt-outs",
    filter_subjects=("crm.evt.>",),
    max_deliver=10,
    fetch_batch=256,
)


class CampaignOptOuts:
    name = "campaign_opt_outs"
    handles = frozenset({ContactOptedOut.wire_name})

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        return None  # opt-outs are re-applied over the rows as they are; nothing to wipe first

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        m = event.message
        if isinstance(m, ContactOptedOut):
            await record_opt_out(conn, schema, event.envelope.workspace_id, m.contact_id, m.at)

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        for event in events:
            await self.apply(conn, schema, event)
