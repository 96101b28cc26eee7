"""What a change to a campaign decides, and when it is refused.

The allowed moves, by status:
- draft: update, schedule, launch, cancel
- scheduled: update, schedule (again: moves it), launch (now), pause, cancel
- running: pause, cancel, complete (the dispatcher, once nobody is left pending)
- paused: resume (a campaign paused before it ever launched launches on resume), cancel
- completed, cancelled: nothing
Launch's own checks (the dry run) happen in the handler before it asks for `Launch`; here only
the status is checked, so a racing second launch is refused on the newer state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from parley.contracts.campaigns.campaigns import CampaignDefinition, CampaignStatus
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
from parley.contracts.messages import Message
from parley.flow_engine.domain.campaigns.state import Campaign, evolve


class CampaignRefused(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Create:
    campaign_id: str
    definition: CampaignDefinition
    at: datetime


@dataclass(frozen=True)
class Update:
    definition: CampaignDefinition
    at: datetime


@dataclass(frozen=True)
class Schedule:
    send_at: datetime
    at: datetime


@dataclass(frozen=True)
class Launch:
    targeted: int
    excluded_without_opt_in: int
    excluded_opted_out: int
    rate_per_second: float
    channel_id: str
    at: datetime
    # A scheduled launch only goes ahead while the campaign still waits for that very time.
    scheduled_for: datetime | None = None


@dataclass(frozen=True)
class Pause:
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Resume:
    by: str
    at: datetime


@dataclass(frozen=True)
class Cancel:
    by: str
    at: datetime


@dataclass(frozen=True)
class Complete:
    dispatched: int
    at: datetime


CampaignCommand = Create | Update | Schedule | Launch | Pause | Resume | Cancel | Complete

_ALLOWED: dict[type[CampaignCommand], tuple[CampaignStatus, ...]] = {
    Update: ("draft", "scheduled"),
    Schedule: ("draft", "scheduled"),
    Launch: ("draft", "scheduled"),
    Pause: ("scheduled", "running"),
    Resume: ("paused",),
    Cancel: ("draft", "scheduled", "running", "paused"),
    Complete: ("running",),
}
_VERB: dict[type[CampaignCommand], str] = {
    Update: "updated",
    Schedule: "scheduled",
    Launch: "launched",
    Pause: "paused",
    Resume: "resumed",
    Cancel: "cancelled",
    Complete: "completed",
}


def check_allowed(state: Campaign, command: CampaignCommand) -> None:
    """Raise CAMPAIGN_NOT_FOUND / CAMPAIGN_EXISTS / CAMPAIGN_STATE for a move the status forbids."""
    if isinstance(command, Create):
        if state.exists:
            raise CampaignRefused(
                "CAMPAIGN_EXISTS", f"a campaign with id {command.campaign_id!r} exists"
            )
        return
    if not state.exists:
        raise CampaignRefused("CAMPAIGN_NOT_FOUND", "no such campaign")
    if isinstance(command, Launch) and state.status == "paused" and not state.launched:
        return  # paused before it ever launched (say, blocked at its scheduled time): resume
    allowed = _ALLOWED[type(command)]
    if state.status not in allowed:
        raise CampaignRefused(
            "CAMPAIGN_STATE",
            f"a {state.status} campaign cannot be {_VERB[type(command)]} "
            f"(only a campaign that is {' or '.join(allowed)})",
        )


def decide(state: Campaign, command: CampaignCommand) -> Sequence[Message]:
    check_allowed(state, command)
    cid = state.campaign_id
    if isinstance(command, Create):
        return [
            CampaignCreated(
                campaign_id=command.campaign_id, definition=command.definition, at=command.at
            )
        ]
    if isinstance(command, Update):
        return [CampaignUpdated(campaign_id=cid, definition=command.definition, at=command.at)]
    if isinstance(command, Schedule):
        if command.send_at <= command.at:
            raise CampaignRefused("CAMPAIGN_INVALID", "send_at: must be in the future")
        return [CampaignScheduled(campaign_id=cid, send_at=command.send_at, at=command.at)]
    if isinstance(command, Launch):
        if command.scheduled_for is not None and (
            state.status != "scheduled" or state.send_at != command.scheduled_for
        ):
            return []  # a stale timer: the schedule moved or the campaign left it
        return [
            CampaignLaunched(
                campaign_id=cid,
                targeted=command.targeted,
                excluded_without_opt_in=command.excluded_without_opt_in,
                excluded_opted_out=command.excluded_opted_out,
                rate_per_second=command.rate_per_second,
                channel_id=command.channel_id,
                at=command.at,
            )
        ]
    if isinstance(command, Pause):
        return [
            CampaignPaused(campaign_id=cid, reason=command.reason, by=command.by, at=command.at)
        ]
    if isinstance(command, Resume):
        return [CampaignResumed(campaign_id=cid, by=command.by, at=command.at)]
    if isinstance(command, Cancel):
        return [CampaignCancelled(campaign_id=cid, by=command.by, at=command.at)]
    return [CampaignCompleted(campaign_id=cid, dispatched=command.dispatched, at=command.at)]


class CampaignDecider:
    """The aggregate's pure functions in the shape `parley.runtime.eventstore.execute` takes."""

    def initial_state(self) -> Campaign:
        return Campaign()

    def evolve(self, state: Campaign, event: Message) -> Campaign:
        return evolve(state, event)

    def decide(self, state: Campaign, command: CampaignCommand) -> Sequence[Message]:
        return decide(state, command)

    def snapshot(self, state: Campaign) -> Message | None:
        return None  # a campaign has a handful of events
