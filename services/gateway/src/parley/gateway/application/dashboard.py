"""The workspace dashboard: message and execution figures of a period, the numbers and their
health, and what needs the user's attention.

Everything comes from read models the services already keep, asked at once: messaging's hourly
message counts (`message-stats`), its numbers (`list-channels`) and each one's health
(`number-health`), and the flow-engine's execution figures (`execution-stats`). The period is
the `hours` clock hours (UTC) ending with the current one, so the series has exactly `hours`
entries, oldest first, zero-filled; "from" is the start of the oldest, "to" is now.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.executions.stats import ExecutionStats, GetExecutionStats
from parley.contracts.messaging.channels import HEALTHY_FROM, ChannelView, NumberHealthReport
from parley.contracts.messaging.stats import GetMessageStats, MessageCounts, MessageStats
from parley.gateway.adapters.services import ServiceRefused, Services, ServiceUnavailable
from parley.gateway.api.problems import Problem
from parley.gateway.application.channels import Channels
from parley.gateway.application.service_calls import ask

MAX_HOURS = 720
FLOW_LIMIT = 20
Severity = Literal["critical", "warning", "info"]
Page = Literal["numbers", "flows", "executions", "campaigns", "onboarding"]
_RANK: dict[str, int] = {"critical": 0, "warning": 1, "info": 2}


class _Out(BaseModel):
    # Every field is always in the answer, so the published schema says so (typed clients).
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        populate_by_name=True,
        json_schema_serialization_defaults_required=True,
    )


class DashboardPeriod(_Out):
    from_: datetime = Field(alias="from", description="start of the oldest hour")
    to: datetime = Field(description="now")
    hours: int


class MessageFigures(_Out):
    sent: int = 0
    delivered: int = 0
    read: int = 0
    failed: int = 0
    replies: int = 0  # messages contacts wrote

    @classmethod
    def of(cls, counts: MessageCounts) -> MessageFigures:
        return cls(
            sent=counts.sent,
            delivered=counts.delivered,
            read=counts.read,
            failed=counts.failed,
            replies=counts.inbound,
        )


class HourFigures(MessageFigures):
    at: datetime  # the start of the hour, UTC


class FailureFigure(_Out):
    code: str
    count: int


class ExecutionFigures(_Out):
    active: int  # running or waiting now
    started: int  # these three: executions started in the period
    completed: int
    failed: int


class FlowFigures(_Out):
    flow_id: str
    name: str
    started: int
    completed: int
    active: int
    conversion_rate: float  # completed / started, 0 when none started


class HealthReasonView(_Out):
    code: str
    detail: str


class NumberFigures(_Out):
    channel_id: str
    name: str
    phone: str
    status: str
    health_score: int | None  # None when the number's health could not be read
    reasons: list[HealthReasonView]


class AttentionTarget(_Out):
    page: Page
    id: str | None = None


class AttentionItem(_Out):
    kind: str
    severity: Severity
    title: str
    detail: str
    target: AttentionTarget


class Dashboard(_Out):
    period: DashboardPeriod
    messages: MessageFigures
    series: list[HourFigures]
    failures: list[FailureFigure]
    executions: ExecutionFigures
    flows: list[FlowFigures]
    numbers: list[NumberFigures]
    attention: list[AttentionItem]


def period_start(now: datetime, hours: int) -> datetime:
    """The start of the oldest of the `hours` clock hours ending with the one `now` is in."""
    current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return current - timedelta(hours=hours - 1)


class Dashboards:
    def __init__(
        self, services: Services, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._services = services
        self._channels = Channels(services)
        self._clock = clock

    async def get(self, workspace_id: str, hours: int = 24) -> Dashboard:
        if not 1 <= hours <= MAX_HOURS:  # the route checks it too; GraphQL callers come here
            raise Problem(422, "INVALID_REQUEST", f"hours: must be from 1 to {MAX_HOURS}")
        now = self._clock()
        since = period_start(now, hours)
        messages, executions, listed = await asyncio.gather(
            ask(
                self._services,
                "messaging",
                "message-stats",
                workspace_id,
                GetMessageStats(since=since, hours=hours),
                MessageStats,
                what="workspace",
                ident=workspace_id,
            ),
            ask(
                self._services,
                "flow-engine",
                "execution-stats",
                workspace_id,
                GetExecutionStats(since=since, flow_limit=FLOW_LIMIT),
                ExecutionStats,
                what="workspace",
                ident=workspace_id,
            ),
            self._channels.list(workspace_id, include_disconnected=False),
        )
        healths = await asyncio.gather(
            *(self._health(workspace_id, c.channel_id) for c in listed.channels)
        )
        numbers = [_number(c, h) for c, h in zip(listed.channels, healths, strict=True)]
        return Dashboard(
            period=DashboardPeriod(from_=since, to=now, hours=hours),
            messages=MessageFigures.of(messages.totals),
            series=_series(messages, since, hours),
            failures=[FailureFigure(code=f.code, count=f.count) for f in messages.failures],
            executions=ExecutionFigures(
                active=executions.active,
                started=executions.started,
                completed=executions.completed,
                failed=executions.failed,
            ),
            flows=[
                FlowFigures(
                    flow_id=f.flow_id,
                    name=f.name,
                    started=f.started,
                    completed=f.completed,
                    active=f.active,
                    conversion_rate=round(f.completed / f.started, 4) if f.started else 0.0,
                )
                for f in executions.flows
            ],
            numbers=numbers,
            attention=attention(listed.channels, numbers, messages, executions, hours),
        )

    async def _health(self, workspace_id: str, channel_id: str) -> NumberHealthReport | None:
        """A number whose health cannot be read still shows, with no score."""
        try:
            return await self._channels.health(workspace_id, channel_id)
        except (Problem, ServiceRefused, ServiceUnavailable):
            return None


def _series(stats: MessageStats, since: datetime, hours: int) -> list[HourFigures]:
    known = {h.at.astimezone(UTC): h for h in stats.hours}
    series = []
    for n in range(hours):
        at = since + timedelta(hours=n)
        counts = known.get(at)
        figures = MessageFigures.of(counts) if counts else MessageFigures()
        series.append(HourFigures(at=at, **figures.model_dump()))
    return series


def _number(channel: ChannelView, health: NumberHealthReport | None) -> NumberFigures:
    return NumberFigures(
        channel_id=channel.channel_id,
        name=channel.name or channel.verified_name or channel.display_phone_number,
        phone=channel.display_phone_number,
        status=channel.status,
        health_score=health.score if health else None,
        reasons=[HealthReasonView(code=r.code, detail=r.detail) for r in health.reasons]
        if health
        else [],
    )


def attention(
    channels: tuple[ChannelView, ...],
    numbers: list[NumberFigures],
    messages: MessageStats,
    executions: ExecutionStats,
    hours: int,
) -> list[AttentionItem]:
    """What needs the user, most severe first (in this order within one severity)."""
    items: list[AttentionItem] = []

    def add(
        kind: str, severity: Severity, title: str, detail: str, page: Page, target: str | None
    ) -> None:
        items.append(
            AttentionItem(
                kind=kind,
                severity=severity,
                title=title,
                detail=detail,
                target=AttentionTarget(page=page, id=target),
            )
        )

    period = f"in the last {hours} hour{'s' if hours != 1 else ''}"
    if not channels:
        add(
            "no_number",
            "info",
            "Connect a WhatsApp number",
            "No number is connected: nothing can be sent or received yet.",
            "onboarding",
            None,
        )
    elif all(c.provider == "sandbox" for c in channels):
        add(
            "sandbox_only",
            "info",
            "Connect a real WhatsApp number",
            "Only the sandbox is connected: customers cannot reach you yet.",
            "onboarding",
            None,
        )
    if executions.published_flows == 0:
        add(
            "no_published_flow",
            "info",
            "Publish a flow",
            "No flow is published, so nothing answers incoming messages.",
            "flows",
            None,
        )
    for channel in channels:
        if channel.status == "paused":
            why = " ".join(p for p in (channel.paused_reason, channel.paused_remedy) if p)
            add(
                "number_paused",
                "critical",
                f"{_label(channel)} is paused",
                why or "Sends on this number wait until it is resumed.",
                "numbers",
                channel.channel_id,
            )
    for number in numbers:
        low = number.health_score is not None and number.health_score < HEALTHY_FROM
        if low or number.reasons:
            reasons = "; ".join(r.detail for r in number.reasons)
            score = f"health score {number.health_score}" if number.health_score is not None else ""
            add(
                "number_health",
                "warning",
                f"{number.name or number.channel_id} needs care",
                ". ".join(p for p in (score, reasons) if p),
                "numbers",
                number.channel_id,
            )
    if executions.waiting_handover:
        n = executions.waiting_handover
        add(
            "handover_waiting",
            "warning",
            f"{n} conversation{'s' if n != 1 else ''} waiting for a person",
            f"{n} execution{'s' if n != 1 else ''} handed over to a human and not released.",
            "executions",
            None,
        )
    if messages.totals.failed:
        n = messages.totals.failed
        top = ", ".join(f"{f.code} ({f.count})" for f in messages.failures[:3])
        add(
            "failed_sends",
            "warning",
            f"{n} message{'s' if n != 1 else ''} failed {period}",
            f"Most frequent error codes: {top}." if top else "",
            "numbers",
            None,
        )
    if executions.failed:
        n = executions.failed
        add(
            "failed_executions",
            "warning",
            f"{n} execution{'s' if n != 1 else ''} failed",
            f"Of the executions started {period}.",
            "executions",
            None,
        )
    return sorted(items, key=lambda item: _RANK[item.severity])


def _label(channel: ChannelView) -> str:
    return channel.name or channel.display_phone_number or channel.channel_id
