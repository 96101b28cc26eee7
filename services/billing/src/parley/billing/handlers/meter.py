"""Billing's usage meter: the events other contexts record, counted per workspace and per
organization per billing period on the USAGE stream's counters (`usage_subject`).

One projection per source stream, each exactly-once in PostgreSQL by the runtime's checkpoint
and idempotent in NATS by the increments' message ids (`meter_usage` says how far that goes:
the USAGE stream's duplicate window is 10 minutes):

- `meter-messages` (MESSAGING): `ChannelConnected`/`ChannelUpdated` note each channel's
  provider in `meter_channels`; `MessageSent` counts `messages_sent`, except on a sandbox
  channel (free; messaging does not limit it either). A channel never seen counts.
- `meter-ai` (AI): `QuestionAnswered` with an answer counts `ai_answers` (an empty answer
  means the documents had none: not billed).
- `meter-leads` (SCRAPER): `LeadScraped` counts `leads_scraped`.

Each event is counted in the period holding its own time, under its organization's anchor, so
a restart or a replay (`parley replay projections billing`) gives the same totals. These are
the usage the account shows and is billed on; the enforcers' admission counters
(`.admitted`) are theirs and a reset never touches them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from nats.aio.client import Client as NatsClient
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.billing.adapters.tables import in_schema, meter_channels
from parley.billing.handlers.meter_usage import MeterPass, reset_usage
from parley.contracts.ai.events import QuestionAnswered
from parley.contracts.billing.entitlements import AI_ANSWERS, LEADS_SCRAPED, MESSAGES_SENT
from parley.contracts.messaging.channels import ChannelConnected, ChannelUpdated
from parley.contracts.messaging.events import MessageSent
from parley.contracts.scraper.events import LeadScraped
from parley.contracts.streams import AI, MESSAGING, SCRAPER, StreamSpec
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore.store import StoredEvent
from parley.runtime.projections import Projection
from parley.runtime.service import Service

SOURCES: tuple[StreamSpec, ...] = (MESSAGING, AI, SCRAPER)


def _spec(stream: StreamSpec, durable: str, context: str) -> ConsumerSpec:
    # Ten in-place attempts with the default backoff take about three minutes: a redo of an
    # event whose increments landed stays inside the USAGE stream's duplicate window.
    return ConsumerSpec(
        stream=stream.name,
        durable=durable,
        filter_subjects=(f"{context}.evt.>",),
        max_deliver=10,
    )


MESSAGES_CONSUMER = _spec(MESSAGING, "billing-meter-messages", "messaging")
AI_CONSUMER = _spec(AI, "billing-meter-ai", "ai")
LEADS_CONSUMER = _spec(SCRAPER, "billing-meter-leads", "scraper")


class _Meter:
    """What the three meters share: a batch is counted in one pass, a reset forgets the
    meter's metrics."""

    name: str
    metrics: tuple[str, ...]

    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await reset_usage(conn, schema, self._nc, self.name, self.metrics)

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        await self.apply_batch(conn, schema, [event])

    async def apply_batch(
        self, conn: AsyncConnection, schema: str, events: list[StoredEvent]
    ) -> None:
        meter = await MeterPass.begin(self._nc, conn, schema, self.name)
        for event in events:
            await self.meter(meter, event)

    async def meter(self, meter: MeterPass, event: StoredEvent) -> None:
        raise NotImplementedError


class MessagesMeter(_Meter):
    name = "meter-messages"
    metrics = (MESSAGES_SENT,)
    handles = frozenset(
        {ChannelConnected.wire_name, ChannelUpdated.wire_name, MessageSent.wire_name}
    )

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await super().reset(conn, schema)
        await (await in_schema(conn, schema)).execute(meter_channels.delete())

    async def meter(self, meter: MeterPass, event: StoredEvent) -> None:
        message = event.message
        workspace_id = event.envelope.workspace_id
        if isinstance(message, ChannelConnected | ChannelUpdated):
            row = {
                "workspace_id": workspace_id,
                "channel_id": message.channel.channel_id,
                "provider": message.channel.provider,
            }
            upsert = insert(meter_channels).values(row)
            await meter.conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=[meter_channels.c.workspace_id, meter_channels.c.channel_id],
                    set_={"provider": upsert.excluded.provider},
                )
            )
        elif isinstance(message, MessageSent):
            if await _provider(meter.conn, workspace_id, message.channel_id) == "sandbox":
                return
            await meter.count(event.envelope, workspace_id, MESSAGES_SENT, message.at)


async def _provider(conn: AsyncConnection, workspace_id: str, channel_id: str) -> str | None:
    if not channel_id:
        return None
    provider: str | None = await conn.scalar(
        sa.select(meter_channels.c.provider).where(
            meter_channels.c.workspace_id == workspace_id,
            meter_channels.c.channel_id == channel_id,
        )
    )
    return provider


class AiMeter(_Meter):
    name = "meter-ai"
    metrics = (AI_ANSWERS,)
    handles = frozenset({QuestionAnswered.wire_name})

    async def meter(self, meter: MeterPass, event: StoredEvent) -> None:
        message = event.message
        if isinstance(message, QuestionAnswered) and message.answer.strip():
            await meter.count(event.envelope, event.envelope.workspace_id, AI_ANSWERS, message.at)


class LeadsMeter(_Meter):
    name = "meter-leads"
    metrics = (LEADS_SCRAPED,)
    handles = frozenset({LeadScraped.wire_name})

    async def meter(self, meter: MeterPass, event: StoredEvent) -> None:
        message = event.message
        if isinstance(message, LeadScraped):
            at: datetime = message.at
            await meter.count(event.envelope, event.envelope.workspace_id, LEADS_SCRAPED, at)


def projections(nc: NatsClient) -> tuple[tuple[Projection, ConsumerSpec], ...]:
    return (
        (MessagesMeter(nc), MESSAGES_CONSUMER),
        (AiMeter(nc), AI_CONSUMER),
        (LeadsMeter(nc), LEADS_CONSUMER),
    )


def wire(service: Service) -> None:
    """Run the three meters in the service. It creates the streams they read (from the one
    catalog) when it starts before their owners."""
    present = {spec.name for spec in service.streams}
    service.streams = (*service.streams, *(s for s in SOURCES if s.name not in present))
    for projection, spec in projections(service.nc):
        service.add_projection(projection, spec)
