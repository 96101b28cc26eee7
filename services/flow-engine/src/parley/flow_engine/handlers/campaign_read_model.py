"""Read model of campaigns: one row per campaign, from its events on `campaign.evt.>`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.contracts.campaigns.events import (
    CampaignCancelled,
    CampaignCompleted,
    CampaignCreated,
    CampaignLaunched,
    CampaignPaused,
    CampaignResumed,
    CampaignScheduled,
    CampaignUpdated,
)
from parley.contracts.streams import FLOW_ENGINE
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent

CONSUMER = ConsumerSpec(
    stream=FLOW_ENGINE.name,
    durable="campaign-read-model",
    filter_subjects=("campaign.evt.>",),
    max_deliver=10,
)


class CampaignReadModel:
    name = "campaigns"

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await conn.execute(text(f'TRUNCATE "{schema}".campaigns'))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        m = event.message
        key: dict[str, Any] = {"ws": event.envelope.workspace_id}
        table = f'"{schema}".campaigns'
        if isinstance(m, CampaignCreated):
            await conn.execute(
                text(
                    f"INSERT INTO {table} (workspace_id, campaign_id, definition, status,"
                    " created_at, updated_at) VALUES (:ws, :cid, CAST(:d AS jsonb), 'draft',"
                    " :at, :at) ON CONFLICT DO NOTHING"
                ),
                key | {"cid": m.campaign_id, "d": m.definition.model_dump_json(), "at": m.at},
            )
            return
        changes: str
        values: dict[str, Any] = {}
        if isinstance(m, CampaignUpdated):
            changes, values = (
                "definition = CAST(:d AS jsonb)",
                {"d": m.definition.model_dump_json()},
            )
        elif isinstance(m, CampaignScheduled):
            changes = "status = 'scheduled', scheduled_at = :send_at, paused_reason = ''"
            values = {"send_at": m.send_at}
        elif isinstance(m, CampaignLaunched):
            changes = (
                "status = 'running', launched_at = :at, scheduled_at = NULL,"
                " rate_per_second = :rate, channel_id = :channel, targeted = :targeted,"
                " excluded_without_opt_in = :wo,"
                " excluded_opted_out = :oo, paused_reason = ''"
            )
            values = {
                "rate": m.rate_per_second,
                "channel": m.channel_id,
                "targeted": m.targeted,
                "wo": m.excluded_without_opt_in,
                "oo": m.excluded_opted_out,
            }
        elif isinstance(m, CampaignPaused):
            changes = "status = 'paused', scheduled_at = NULL, paused_reason = :reason"
            values = {"reason": m.reason}
        elif isinstance(m, CampaignResumed):
            changes = "status = 'running', paused_reason = ''"
        elif isinstance(m, CampaignCancelled):
            changes = "status = 'cancelled', scheduled_at = NULL, finished_at = :at"
        elif isinstance(m, CampaignCompleted):
            changes = "status = 'completed', finished_at = :at"
        else:
            return
        await conn.execute(
            text(
                f"UPDATE {table} SET {changes}, updated_at = :at"
                " WHERE workspace_id = :ws AND campaign_id = :cid"
            ),
            key | values | {"cid": m.campaign_id, "at": m.at},
        )
