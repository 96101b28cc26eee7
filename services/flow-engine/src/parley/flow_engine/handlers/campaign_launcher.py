"""Launching a campaign: check it, fix its audience, and record the launch.

The audience is written to `campaign_recipients` before CampaignLaunched is appended, so the
dispatcher (which only sends for running campaigns) always finds it complete, and a launch
interrupted halfway is simply launched again (the rows it wrote are kept, not doubled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.billing.entitlements import LIMIT_CODE
from parley.contracts.campaigns.queries import CampaignProblem, DryRunReport
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.adapters.campaign_recipients import CampaignRecipients
from parley.flow_engine.domain.campaigns.decide import (
    CampaignCommand,
    CampaignDecider,
    CampaignRefused,
    Launch,
    check_allowed,
)
from parley.flow_engine.domain.campaigns.dry_run import blocking_message
from parley.flow_engine.domain.campaigns.state import Campaign
from parley.flow_engine.handlers.campaign_checks import CampaignChecks
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.eventstore.aggregate import Outcome


class CampaignBlocked(Exception):
    """Blocking problems stand in the way: those of the dry run (`report`), or the plan's
    PLAN_LIMIT_REACHED found before any audience was read (`report` None). A plan limit gives
    the refusal its code, since upgrading is what lifts it."""

    def __init__(
        self, report: DryRunReport | None, problems: tuple[CampaignProblem, ...] = ()
    ) -> None:
        self.report = report
        self.problems = report.blocking if report is not None else problems
        plan = [p for p in self.problems if p.code == LIMIT_CODE]
        self.code = LIMIT_CODE if plan else "CAMPAIGN_BLOCKED"
        if plan:
            super().__init__(plan[0].message)
        elif report is not None:
            super().__init__(blocking_message(report))
        else:
            super().__init__("; ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class Launched:
    outcome: Outcome[Campaign]
    report: DryRunReport


def campaign_subject(workspace_id: str, campaign_id: str) -> str:
    return event_subject("campaign", workspace_id, campaign_id)


class CampaignLog:
    """The campaign aggregate's load and execute, in one place for every handler."""

    def __init__(self, nc: NatsClient) -> None:
        self.store = EventStore(nc, FLOW_ENGINE.name)
        self.decider = CampaignDecider()

    async def load(self, workspace_id: str, campaign_id: str) -> Campaign:
        state = self.decider.initial_state()
        for stored in await self.store.load(campaign_subject(workspace_id, campaign_id)):
            state = self.decider.evolve(state, stored.message)
        return state

    async def execute(
        self, workspace_id: str, campaign_id: str, command: CampaignCommand, cause: Message
    ) -> Outcome[Campaign]:
        envelope = Envelope.wrap(cause, workspace_id=workspace_id)
        return await execute(
            self.store,
            campaign_subject(workspace_id, campaign_id),
            self.decider,
            command,
            cause=envelope,
        )


class CampaignLauncher:
    def __init__(
        self, log: CampaignLog, checks: CampaignChecks, recipients: CampaignRecipients
    ) -> None:
        self._log = log
        self._checks = checks
        self._recipients = recipients

    async def launch(
        self,
        workspace_id: str,
        campaign_id: str,
        cause: Message,
        *,
        scheduled_for: datetime | None = None,
    ) -> Launched:
        """Raises CampaignRefused (state) or CampaignBlocked (a blocking problem)."""
        state = await self._log.load(workspace_id, campaign_id)
        now = datetime.now(UTC)
        probe = Launch(0, 0, 0, 1.0, "", now, scheduled_for)
        check_allowed(state, probe)  # refuse a wrong status before reading any audience
        if state.definition is None:
            raise CampaignRefused("CAMPAIGN_NOT_FOUND", "no such campaign")
        over = await self._checks.plan_refusal(workspace_id, campaign_id)
        if over is not None:
            raise CampaignBlocked(None, (over,))
        report = await self._checks.snapshot(workspace_id, campaign_id, state.definition, now)
        if report.blocking:
            await self._recipients.discard(workspace_id, campaign_id)
            raise CampaignBlocked(report)
        targeted = await self._recipients.count(workspace_id, campaign_id)
        command = Launch(
            targeted=targeted,
            excluded_without_opt_in=report.excluded_without_opt_in,
            excluded_opted_out=report.excluded_opted_out,
            rate_per_second=report.rate_per_second,
            channel_id=report.channel_id,
            at=now,
            scheduled_for=scheduled_for,
        )
        outcome = await self._log.execute(workspace_id, campaign_id, command, cause)
        return Launched(outcome, report)
