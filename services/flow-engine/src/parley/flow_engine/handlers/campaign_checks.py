"""The dry run's I/O: the facts a campaign's report is made of, gathered from crm (the
audience), messaging (the number, its health and tier use), the flows read model and the
workspace's plan (one more active campaign; the messages left this billing period).

`check` only counts. `snapshot` walks the same audience and also writes every recipient who
would be sent to, so a launch reads its audience once and the report it decides on describes
exactly the recipients it fixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parley.contracts.campaigns.campaigns import CampaignDefinition
from parley.contracts.campaigns.queries import CampaignProblem, DryRunReport
from parley.contracts.crm.segment_queries import SegmentMember
from parley.flow_engine.adapters.campaign_recipients import CampaignRecipients
from parley.flow_engine.adapters.crm_audience import CrmAudience
from parley.flow_engine.adapters.number_info import NumberInfo
from parley.flow_engine.adapters.published_flows import PublishedFlows
from parley.flow_engine.adapters.service_queries import Unanswered
from parley.flow_engine.domain.campaigns.content import lacks, required_paths, template_problems
from parley.flow_engine.domain.campaigns.dry_run import (
    AudienceFacts,
    DryRunFacts,
    NumberFacts,
    PlanFacts,
    evaluate,
    outside_window,
)
from parley.flow_engine.domain.campaigns.enrollment import flow_facts
from parley.flow_engine.handlers.campaign_plan import CampaignPlan


@dataclass
class _Tally:
    count: int = 0
    opted_in: int = 0
    opted_out: int = 0
    unknown: int = 0
    captured: int = 0  # of the unknown: captured leads, never sent to before they opt in
    outside_window: int = 0
    missing_fields: int = 0

    def facts(self) -> AudienceFacts:
        return AudienceFacts(
            count=self.count,
            by_consent={
                "opted_in": self.opted_in,
                "opted_out": self.opted_out,
                "unknown": self.unknown,
            },
            outside_window=self.outside_window,
            missing_fields=self.missing_fields,
            captured_without_opt_in=self.captured,
        )


def sendable(member: SegmentMember, definition: CampaignDefinition) -> bool:
    if member.consent == "opted_in":
        return True
    if member.consent == "opted_out" or captured(member):
        return False
    return definition.include_without_opt_in


def captured(member: SegmentMember) -> bool:
    """A lead the scraper found: its number was found, not given, so finding it is no consent
    and "they agreed outside Parley" (include_without_opt_in) cannot be true of it."""
    return member.source == "scraper" and member.consent != "opted_in"


class CampaignChecks:
    def __init__(
        self,
        audience: CrmAudience,
        numbers: NumberInfo,
        flows: PublishedFlows,
        recipients: CampaignRecipients,
        plan: CampaignPlan | None = None,
    ) -> None:
        self._audience = audience
        self._numbers = numbers
        self._flows = flows
        self._recipients = recipients
        self._plan = plan

    async def check(
        self,
        workspace_id: str,
        definition: CampaignDefinition,
        now: datetime,
        *,
        counted_as: str = "",
    ) -> DryRunReport:
        """The report; `counted_as` is the campaign's id, left out of its own plan count."""
        return await self._run(workspace_id, definition, now, campaign_id=None, plan_id=counted_as)

    async def plan_refusal(self, workspace_id: str, campaign_id: str) -> CampaignProblem | None:
        """PLAN_LIMIT_REACHED when the campaign would be one active campaign too many: checked
        before the audience is read, so a refused launch costs no walk through crm."""
        return None if self._plan is None else await self._plan.refusal(workspace_id, campaign_id)

    async def snapshot(
        self, workspace_id: str, campaign_id: str, definition: CampaignDefinition, now: datetime
    ) -> DryRunReport:
        """The report, with every recipient it counts as will-send written for `campaign_id`."""
        return await self._run(
            workspace_id, definition, now, campaign_id=campaign_id, plan_id=campaign_id
        )

    async def _run(
        self,
        workspace_id: str,
        definition: CampaignDefinition,
        now: datetime,
        *,
        campaign_id: str | None,
        plan_id: str,
    ) -> DryRunReport:
        paths: tuple[str, ...] = ()
        if definition.kind == "template" and not template_problems(definition.template):
            assert definition.template is not None
            paths = required_paths(definition.template)
        audience, error = await self._tally(workspace_id, definition, now, paths, campaign_id)
        flow = None
        if definition.kind == "flow":
            latest = await self._flows.latest(workspace_id, definition.flow_id)
            flow = flow_facts(latest[1] if latest else None)
        plan = PlanFacts()
        if self._plan is not None:
            plan = await self._plan.facts(workspace_id, plan_id)
        return evaluate(
            DryRunFacts(
                definition=definition,
                audience=audience,
                audience_error=error,
                number=await self._number(workspace_id, definition.channel_id),
                flow=flow,
                required_fields=paths,
                now=now,
                plan=plan,
            )
        )

    async def _tally(
        self,
        workspace_id: str,
        definition: CampaignDefinition,
        now: datetime,
        paths: tuple[str, ...],
        campaign_id: str | None,
    ) -> tuple[AudienceFacts | None, str]:
        tally = _Tally()
        try:
            preview = await self._audience.preview(workspace_id, definition, now)
            if preview.count == 0:
                return tally.facts(), ""
            async for page in self._audience.pages(workspace_id, definition, now):
                chosen = [m for m in page if sendable(m, definition)]
                for member in page:
                    tally.count += 1
                    if member.consent == "opted_in":
                        tally.opted_in += 1
                    elif member.consent == "opted_out":
                        tally.opted_out += 1
                    else:
                        tally.unknown += 1
                        tally.captured += captured(member)
                for member in chosen:
                    tally.outside_window += outside_window(member.last_inbound_at, now)
                    tally.missing_fields += bool(paths) and lacks(member, paths)
                if campaign_id is not None:
                    await self._recipients.add(workspace_id, campaign_id, chosen)
        except Unanswered as err:
            if err.code == "404":
                return None, f"the segment was not found: {err.description}"
            return None, f"crm could not give the audience: {err}"
        return tally.facts(), ""

    async def _number(self, workspace_id: str, channel_id: str) -> NumberFacts | None:
        try:
            channel = await self._numbers.channel(workspace_id, channel_id)
            if channel is None:
                return None
            health = await self._numbers.health(workspace_id, channel.channel_id)
        except Unanswered:
            return None
        return NumberFacts(
            channel=channel,
            level=health.level,
            rate_factor=health.rate_factor,
            tier_used=health.counts.get("business_initiated", 0),
        )
