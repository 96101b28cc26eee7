"""Answers `campaign.ChangeCampaign` and `campaign.DryRunCampaign`.

Every change is decided on the campaign's log (never the read model, which may lag), with the
expected-sequence append, so two people changing one campaign at once cannot both win silently.
"""

from __future__ import annotations

from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.campaigns.campaigns import CampaignStats, CampaignView
from parley.contracts.campaigns.commands import LaunchScheduledCampaign
from parley.contracts.campaigns.queries import (
    CampaignChangeResult,
    CampaignProblem,
    ChangeCampaign,
    DryRunCampaign,
    DryRunReport,
    DryRunResult,
)
from parley.contracts.envelope import Envelope
from parley.flow_engine.adapters.campaign_views import CampaignViews
from parley.flow_engine.domain.campaigns.decide import (
    CampaignCommand,
    CampaignRefused,
    Cancel,
    Create,
    Pause,
    Resume,
    Schedule,
    Update,
    check_allowed,
)
from parley.flow_engine.domain.campaigns.dry_run import blocking_message
from parley.flow_engine.domain.campaigns.state import Campaign
from parley.flow_engine.handlers.campaign_checks import CampaignChecks
from parley.flow_engine.handlers.campaign_launcher import (
    CampaignBlocked,
    CampaignLauncher,
    CampaignLog,
)
from parley.runtime import timers
from parley.runtime.queries import QueryRefused

TIMER_CONTEXT = "campaign"


def view_of(state: Campaign, stats: CampaignStats | None = None) -> CampaignView:
    assert state.definition is not None
    assert state.created_at is not None
    counted = (stats or CampaignStats()).model_copy(
        update={
            "targeted": state.targeted,
            "excluded_without_opt_in": state.excluded_without_opt_in,
            "excluded_opted_out": state.excluded_opted_out,
        }
    )
    return CampaignView(
        campaign_id=state.campaign_id,
        definition=state.definition,
        status=state.status,
        scheduled_at=state.send_at,
        launched_at=state.launched_at,
        finished_at=state.finished_at,
        created_at=state.created_at,
        updated_at=state.updated_at or state.created_at,
        stats=counted,
        rate_per_second=state.rate_per_second,
        paused_reason=state.paused_reason,
    )


class CampaignCommands:
    def __init__(
        self,
        nc: NatsClient,
        log: CampaignLog,
        checks: CampaignChecks,
        launcher: CampaignLauncher,
        views: CampaignViews,
    ) -> None:
        self._nc = nc
        self._log = log
        self._checks = checks
        self._launcher = launcher
        self._views = views

    async def dry_run(self, workspace_id: str, request: DryRunCampaign) -> DryRunResult:
        definition = request.definition
        if definition is None:
            state = await self._log.load(workspace_id, request.campaign_id)
            if state.definition is None:
                raise QueryRefused("404", f"no campaign {request.campaign_id!r}")
            definition = state.definition
        now = datetime.now(UTC)
        report = await self._checks.check(
            workspace_id, definition, now, counted_as=request.campaign_id
        )
        return DryRunResult(report=report)

    async def answer(self, workspace_id: str, request: ChangeCampaign) -> CampaignChangeResult:
        try:
            return await self._change(workspace_id, request)
        except CampaignRefused as refused:
            return self._refusal(request, refused.code, str(refused))
        except CampaignBlocked as blocked:
            return self._refusal(
                request,
                blocked.code,
                str(blocked),
                problems=blocked.problems,
                report=blocked.report,
            )

    def _refusal(
        self,
        request: ChangeCampaign,
        code: str,
        message: str,
        *,
        problems: tuple[CampaignProblem, ...] = (),
        report: DryRunReport | None = None,
    ) -> CampaignChangeResult:
        return CampaignChangeResult(
            ok=False,
            campaign_id=request.campaign_id,
            code=code,
            message=message,
            problems=problems,
            dry_run=report,
        )

    async def _change(self, ws: str, request: ChangeCampaign) -> CampaignChangeResult:
        now = datetime.now(UTC)
        cid = request.campaign_id
        report: DryRunReport | None = None
        if request.action == "launch" or request.action == "resume":
            state = await self._log.load(ws, cid)
            if request.action == "launch" or (state.status == "paused" and not state.launched):
                launched = await self._launcher.launch(ws, cid, request)
                await self._forget_timer(ws, cid, launched.outcome.before)
                return await self._done(ws, cid, launched.outcome.state, launched.report)
        command = self._command(request, now)
        if isinstance(command, Schedule):
            state = await self._log.load(ws, cid)
            check_allowed(state, command)
            assert state.definition is not None
            over = await self._checks.plan_refusal(ws, cid)
            if over is not None:
                raise CampaignBlocked(None, (over,))
            report = await self._checks.check(ws, state.definition, now, counted_as=cid)
            if report.blocking:
                raise CampaignBlocked(report)
        outcome = await self._log.execute(ws, cid, command, request)
        if isinstance(command, Schedule):
            timer = LaunchScheduledCampaign(campaign_id=cid, send_at=command.send_at)
            await timers.schedule(
                self._nc.jetstream(),
                context=TIMER_CONTEXT,
                timer_id=cid,
                fire_at=command.send_at,
                envelope=Envelope.wrap(timer, workspace_id=ws),
            )
        elif isinstance(command, Pause | Cancel):
            await self._forget_timer(ws, cid, outcome.before)
        return await self._done(ws, cid, outcome.state, report)

    async def _forget_timer(self, ws: str, cid: str, before: Campaign) -> None:
        if before.status == "scheduled":
            await timers.cancel(
                self._nc.jetstream(), context=TIMER_CONTEXT, workspace_id=ws, timer_id=cid
            )

    def _command(self, request: ChangeCampaign, now: datetime) -> CampaignCommand:
        action = request.action
        if action in ("create", "update"):
            if request.definition is None:
                raise CampaignRefused("CAMPAIGN_INVALID", f"definition: required to {action}")
            if action == "create":
                return Create(request.campaign_id, request.definition, now)
            return Update(request.definition, now)
        if action == "schedule":
            if request.send_at is None:
                raise CampaignRefused("CAMPAIGN_INVALID", "send_at: required to schedule")
            if request.send_at.tzinfo is None:
                raise CampaignRefused("CAMPAIGN_INVALID", "send_at: give a time zone (or Z)")
            return Schedule(request.send_at, now)
        if action == "pause":
            return Pause(reason="paused by " + (request.by or "a person"), by=request.by, at=now)
        if action == "resume":
            return Resume(by=request.by, at=now)
        return Cancel(by=request.by, at=now)

    async def _done(
        self, ws: str, cid: str, state: Campaign, report: DryRunReport | None
    ) -> CampaignChangeResult:
        stats = (await self._views.stats(ws, [cid])).get(cid)
        return CampaignChangeResult(
            ok=True, campaign_id=cid, campaign=view_of(state, stats), dry_run=report
        )


__all__ = ["CampaignCommands", "blocking_message", "view_of"]
