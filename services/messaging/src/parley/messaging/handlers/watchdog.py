"""The watchdog: each number's health from what happens on it, and what follows from it.

It folds messaging's own events (and crm's opt-outs, through `record`) into hourly buckets per
number in KV, scores them (domain/health.py), and when the level changes announces
NumberHealthChanged with the reasons. `slowed` and worse lower the number's send rate through
`rate_factor`; `campaigns_paused` asks campaigns to stop (replies to customers still go out).

A fetched batch is folded into one compare-and-set per number. The counts are a health signal,
not a ledger: a batch redelivered after a crash may count twice, which only errs on caution.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.errors import KeyNotFoundError
from pydantic import BaseModel, ConfigDict

from parley.contracts.envelope import Envelope
from parley.contracts.errors import ContractError
from parley.contracts.messaging.channels import (
    GetNumberHealth,
    HealthReason,
    NumberHealthChanged,
    NumberHealthReport,
    NumberQualityChanged,
)
from parley.contracts.messaging.events import InboundMessageReceived, MessageFailed, MessageSent
from parley.contracts.registry import registry
from parley.contracts.streams import MESSAGING
from parley.contracts.subjects import event_subject
from parley.messaging.adapters import buckets
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.domain.health import (
    Health,
    HealthInputs,
    HourCounts,
    Level,
    add_signal,
    score,
)
from parley.messaging.domain.tiers import tier_cap
from parley.messaging.metrics import MessagingMetrics
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.kv import LazyBucket, cas_update
from parley.runtime.queries import QueryRefused

CONSUMER = ConsumerSpec(
    stream=MESSAGING.name,
    durable="messaging-watchdog",
    filter_subjects=("messaging.evt.>",),
    fetch_batch=512,
)
SPAM_CODES = frozenset({"131048", "368"})
CACHE_SECONDS = 5.0


class HealthRecord(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")
    hours: tuple[dict[str, int], ...] = ()
    quality: str = "UNKNOWN"
    tier: str = "TIER_250"
    level: Level = "healthy"

    def counts(self) -> tuple[HourCounts, ...]:
        return tuple(HourCounts(**h) for h in self.hours)


Signals = dict[tuple[str, str], dict[str, int]]  # (workspace, channel) -> increments


class Watchdog:
    def __init__(
        self,
        nc: NatsClient,
        channels: ChannelStore,
        metrics: MessagingMetrics,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._nc = nc
        self._channels = channels
        self._metrics = metrics
        self._bucket = LazyBucket(nc, buckets.HEALTH)
        self._clock = clock
        self._factors: dict[tuple[str, str], tuple[float, float]] = {}

    async def handle(self, msg: Msg) -> None:
        await self.handle_batch([msg])

    async def handle_batch(self, messages: list[Msg]) -> None:
        signals: Signals = defaultdict(lambda: defaultdict(int))
        quality: dict[tuple[str, str], NumberQualityChanged] = {}
        for msg in messages:
            try:
                envelope = Envelope.from_bytes(msg.data)
                event = registry.decode(envelope)
            except (ValueError, ContractError):
                continue  # not ours to judge; other consumers report bad messages
            ws = envelope.workspace_id
            if isinstance(event, MessageSent) and event.channel_id:
                signals[(ws, event.channel_id)]["sent"] += 1
            elif isinstance(event, MessageFailed) and event.channel_id and event.code.isdigit():
                # Only WhatsApp's own refusals say something about the number; ours (opt-out,
                # window, quota) say something about the contact or the plan.
                signals[(ws, event.channel_id)]["failed"] += 1
                if event.code in SPAM_CODES:
                    signals[(ws, event.channel_id)]["spam_signals"] += 1
            elif isinstance(event, InboundMessageReceived):
                signals[(ws, event.channel_id)]["replies"] += 1
            elif isinstance(event, NumberQualityChanged):
                quality[(ws, event.channel_id)] = event
                signals[(ws, event.channel_id)]
        for (ws, channel_id), increments in signals.items():
            await self._fold(ws, channel_id, dict(increments), quality.get((ws, channel_id)))

    async def record(self, workspace_id: str, channel_id: str, **increments: int) -> None:
        """Signals from outside messaging's own events (crm's opt-outs)."""
        await self._fold(workspace_id, channel_id, increments, None)

    async def _fold(
        self,
        ws: str,
        channel_id: str,
        increments: dict[str, int],
        quality: NumberQualityChanged | None,
    ) -> None:
        hour = int(self._clock() // 3600)
        before: Level = "healthy"
        after: Health | None = None

        def change(current: bytes | None) -> bytes | None:
            nonlocal before, after
            record = HealthRecord.model_validate_json(current) if current else HealthRecord()
            before = record.level
            hours = add_signal(record.counts(), hour, **increments)
            q = quality.quality if quality else record.quality
            tier = quality.tier if quality else record.tier
            after = score(HealthInputs(hours, hour, q, tier_cap(tier)))
            updated = HealthRecord(
                hours=tuple(asdict(h) for h in hours), quality=q, tier=tier, level=after.level
            )
            return updated.model_dump_json().encode()

        await cas_update(await self._bucket(), f"{ws}.{channel_id}", change)
        assert after is not None
        self._metrics.health_score.labels(ws, channel_id).set(after.score)
        self._factors[(ws, channel_id)] = (time.monotonic(), after.rate_factor)
        if after.level != before:
            await self._announce(ws, channel_id, before, after, hour)

    async def _announce(
        self, ws: str, channel_id: str, before: Level, after: Health, hour: int
    ) -> None:
        event = NumberHealthChanged(
            channel_id=channel_id,
            score=after.score,
            level=after.level,
            previous_level=before,
            reasons=tuple(HealthReason(**asdict(r)) for r in after.reasons),
        )
        subject = event_subject("messaging", ws, channel_id)
        msg_id = f"health:{ws}.{channel_id}:{before}>{after.level}:{hour}"
        envelope = Envelope.wrap(event, workspace_id=ws)
        await self._nc.jetstream().publish(
            subject, envelope.to_bytes(), headers={"Nats-Msg-Id": msg_id}
        )

    async def health(self, ws: str, channel_id: str) -> tuple[Health, HealthRecord]:
        kv = await self._bucket()
        try:
            entry = await kv.get(f"{ws}.{channel_id}")
            record = HealthRecord.model_validate_json(entry.value or b"{}")
        except KeyNotFoundError:
            record = HealthRecord()
        hour = int(self._clock() // 3600)
        inputs = HealthInputs(record.counts(), hour, record.quality, tier_cap(record.tier))
        return score(inputs), record

    async def rate_factor(self, ws: str, channel_id: str) -> float:
        """The send-rate multiplier for the number's health; cached a few seconds."""
        cached = self._factors.get((ws, channel_id))
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        health, _ = await self.health(ws, channel_id)
        self._factors[(ws, channel_id)] = (time.monotonic(), health.rate_factor)
        return health.rate_factor

    async def answer(self, workspace_id: str, query: GetNumberHealth) -> NumberHealthReport:
        channel = await self._channels.get(workspace_id, query.channel_id)
        if channel is None:
            raise QueryRefused("404", f"no channel {query.channel_id!r} in this workspace")
        health, record = await self.health(workspace_id, query.channel_id)
        totals: dict[str, int] = defaultdict(int)
        hour = int(self._clock() // 3600)
        for bucket in record.counts():
            if bucket.hour > hour - 24:
                for name, value in asdict(bucket).items():
                    if name != "hour":
                        totals[name] += value
        return NumberHealthReport(
            channel_id=query.channel_id,
            score=health.score,
            level=health.level,
            rate_factor=health.rate_factor,
            reasons=tuple(HealthReason(**asdict(r)) for r in health.reasons),
            quality=record.quality if record.quality != "UNKNOWN" else channel.view.quality,
            tier=channel.view.tier,
            counts=dict(totals),
        )
