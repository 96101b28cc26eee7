"""What the GraphQL API returns about campaigns: the campaign with its live stats, a page of
them, a change taken, and a dry run's report. A definition is a JSON value (a
CampaignDefinition); its contract defines its shape."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from parley.contracts.campaigns import campaigns as cc
from parley.contracts.campaigns import queries as cqr
from parley.gateway.graphql.types import ID, json


@strawberry.type
class CampaignStats:
    targeted: int
    excluded_without_opt_in: int
    excluded_opted_out: int
    sent: int
    delivered: int
    read: int
    replied: int
    failed: int
    failed_by_reason: JSON = strawberry.field(description="error code -> count")
    limited_by_meta: int
    opted_out: int
    pending: int

    @classmethod
    def of(cls, stats: cc.CampaignStats) -> CampaignStats:
        return cls(**{**stats.model_dump(), "failed_by_reason": JSON(stats.failed_by_reason)})


@strawberry.type
class Campaign:
    campaign_id: ID
    name: str
    kind: str = strawberry.field(description="template or flow")
    definition: JSON = strawberry.field(description="a CampaignDefinition")
    status: str = strawberry.field(
        description="draft, scheduled, running, paused, completed or cancelled"
    )
    scheduled_at: datetime | None
    launched_at: datetime | None
    finished_at: datetime | None
    created_at: datetime
    updated_at: datetime
    stats: CampaignStats
    rate_per_second: float

    @classmethod
    def of(cls, campaign: cc.CampaignView) -> Campaign:
        return cls(
            campaign_id=ID(campaign.campaign_id),
            name=campaign.definition.name,
            kind=campaign.definition.kind,
            definition=json(campaign.definition),
            status=campaign.status,
            scheduled_at=campaign.scheduled_at,
            launched_at=campaign.launched_at,
            finished_at=campaign.finished_at,
            created_at=campaign.created_at,
            updated_at=campaign.updated_at,
            stats=CampaignStats.of(campaign.stats),
            rate_per_second=campaign.rate_per_second,
        )


@strawberry.type
class CampaignPage:
    items: list[Campaign]
    next_cursor: str | None = strawberry.field(description="null on the last page")

    @classmethod
    def of(cls, page: cqr.CampaignPage) -> CampaignPage:
        return cls(items=[Campaign.of(c) for c in page.items], next_cursor=page.next_cursor)


@strawberry.type
class DryRunReport:
    audience: int
    will_send: int
    blocking: bool = strawberry.field(description="a launch would be refused")
    report: JSON = strawberry.field(description="the whole DryRunReport: problems, tier, ...")

    @classmethod
    def of(cls, report: cqr.DryRunReport) -> DryRunReport:
        return cls(
            audience=report.audience,
            will_send=report.will_send,
            blocking=bool(report.blocking),
            report=json(report),
        )


@strawberry.type
class CampaignChangeResult:
    ok: bool
    campaign_id: ID
    campaign: Campaign | None
    dry_run: DryRunReport | None = strawberry.field(description="with launch and schedule")

    @classmethod
    def of(cls, result: cqr.CampaignChangeResult) -> CampaignChangeResult:
        return cls(
            ok=result.ok,
            campaign_id=ID(result.campaign_id),
            campaign=Campaign.of(result.campaign) if result.campaign else None,
            dry_run=DryRunReport.of(result.dry_run) if result.dry_run else None,
        )
