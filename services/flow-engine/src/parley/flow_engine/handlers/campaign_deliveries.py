"""Live stats of campaigns from what messaging reports: each status of a campaign's send (its
command id is `cmp-…:<contact_id>`) or of an execution a flow campaign started (`cmpx-…`), and
replies (a recipient writing after their campaign message was sent).

Every other messaging event changes nothing. A fetched batch is written in one transaction.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.campaigns.campaigns import CAMPAIGN_ID_PREFIXES
from parley.contracts.messaging.events import (
    STATUS_OF,
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
    MessageRead,
    MessageSent,
)
from parley.contracts.streams import MESSAGING
from parley.flow_engine.adapters.campaign_recipients import record_reply, record_status
from parley.flow_engine.domain.campaigns.enrollment import EXECUTION_PREFIX
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=MESSAGING.name,
    durable="campaign-deliveries",
    filter_subjects=("messaging.evt.>",),
    max_deliver=10,
    fetch_batch=256,
)
_STATUSES = (MessageSent, MessageDelivered, MessageRead, MessageFailed)


def campaign_send(command_id: str) -> tuple[str, str] | None:
    """(campaign id, contact id) of a campaign's command id, else None."""
    if not command_id.startswith(CAMPAIGN_ID_PREFIXES):
        return None
    campaign_id, colon, contact_id = command_id.partition(":")
    return (campaign_id, contact_id) if colon and contact_id else None


class CampaignDeliveries:
    name = "campaign_deliveries"

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await conn.execute(
            text(
                f'UPDATE "{schema}".campaign_recipients SET sent_at = NULL, delivered_at = NULL,'
                " read_at = NULL, failed_code = NULL, replied_at = NULL"
            )
        )

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        m = event.message
        ws = event.envelope.workspace_id
        if isinstance(m, InboundMessageReceived):
            await record_reply(conn, schema, ws, m.contact_id, m.at)
            return
        if not isinstance(m, _STATUSES):
            return
        code = m.code if isinstance(m, MessageFailed) else ""
        status = STATUS_OF[type(m)]
        send = campaign_send(m.command_id)
        if send is not None:
            await record_status(
                conn, schema, ws, status=status, at=m.at, code=code,
                campaign_id=send[0], contact_id=send[1],
            )  # fmt: skip
        elif m.execution_id and m.execution_id.startswith(EXECUTION_PREFIX):
            await record_status(
                conn, schema, ws, status=status, at=m.at, code=code, execution_id=m.execution_id
            )

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        for event in events:
            await self.apply(conn, schema, event)
