"""Which flows start for a stimulus; the rules are in the package docstring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from parley.contracts.flows.graph import ApiTrigger, CampaignTrigger, KeywordTrigger, Trigger
from parley.flow_engine.domain.triggers.matching import explain
from parley.flow_engine.domain.triggers.stimuli import (
    ApiStart,
    ButtonReply,
    CampaignEnrollment,
    InboundText,
    Stimulus,
)

TriggerKind = Literal[
    "keyword", "any_inbound", "first_message", "button_payload", "tag_added", "api", "campaign"
]

WAITING_REASON = "reply goes to the waiting execution"
NO_MATCH_REASON = "no flow matched"

# Lower is more specific. An exact keyword says more about intent than a button, a button more
# than a prefix, and anything beats "any message". API and campaign triggers only complete the
# table: they never match a message, and ApiStart/CampaignEnrollment bypass the ranking.
_SPECIFICITY: dict[tuple[str, str], int] = {
    ("keyword", "equals"): 0,
    ("button_payload", ""): 1,
    ("keyword", "starts_with"): 2,
    ("keyword", "contains"): 3,
    ("keyword", "regex"): 4,
    ("first_message", ""): 5,
    ("any_inbound", ""): 6,
    ("tag_added", ""): 7,
    ("api", ""): 8,
    ("campaign", ""): 8,
}


@dataclass(frozen=True)
class PublishedFlow:
    """A candidate: the latest published, non-archived version of one flow."""

    flow_id: str
    version: int
    triggers: tuple[Trigger, ...]
    created_order: int  # smaller is older


@dataclass(frozen=True)
class Match:
    flow_id: str
    version: int
    trigger_index: int
    trigger_kind: TriggerKind
    priority: int


@dataclass(frozen=True)
class Selection:
    """The flows to start, best first, and why, for the execution log and the builder."""

    flows: tuple[Match, ...]
    reason: str


@dataclass(frozen=True)
class _Candidate:
    match: Match
    exclusive: bool
    what: str
    rank: tuple[int, int, int, str, int]


def select_flows(
    stimulus: Stimulus, flows: Sequence[PublishedFlow], *, waiting_execution: bool
) -> Selection:
    """The flows `stimulus` starts. Raises ValueError if a flow id is listed twice."""
    _refuse_duplicates(flows)
    if waiting_execution and isinstance(stimulus, InboundText | ButtonReply):
        return Selection((), WAITING_REASON)
    if isinstance(stimulus, ApiStart | CampaignEnrollment):
        return _named(stimulus, flows)
    candidates = sorted(
        (c for flow in flows if (c := _best(flow, stimulus)) is not None),
        key=lambda c: c.rank,
    )
    chosen: list[_Candidate] = []
    for candidate in candidates:
        chosen.append(candidate)
        if candidate.exclusive:
            break
    if not chosen:
        return Selection((), NO_MATCH_REASON)
    return Selection(tuple(c.match for c in chosen), _reason(chosen, candidates[len(chosen) :]))


def _refuse_duplicates(flows: Sequence[PublishedFlow]) -> None:
    # Two versions of one flow would make the outcome depend on list order; the caller should
    # pass only the latest published version, so this is its bug to fix.
    seen: set[str] = set()
    for flow in flows:
        if flow.flow_id in seen:
            versions = sorted(f.version for f in flows if f.flow_id == flow.flow_id)
            raise ValueError(
                f"flow {flow.flow_id!r} is listed more than once (versions {versions}); "
                "pass only its latest published version"
            )
        seen.add(flow.flow_id)


def _named(stimulus: ApiStart | CampaignEnrollment, flows: Sequence[PublishedFlow]) -> Selection:
    kind: type[ApiTrigger | CampaignTrigger]
    kind, label, event = (
        (ApiTrigger, "API", "an API call")
        if isinstance(stimulus, ApiStart)
        else (CampaignTrigger, "campaign", "a campaign enrollment")
    )
    flow = next((f for f in flows if f.flow_id == stimulus.flow_id), None)
    if flow is None:
        return Selection((), f"flow {stimulus.flow_id!r} is not published, or is archived")
    for index, trigger in enumerate(flow.triggers):
        if isinstance(trigger, kind):
            match = Match(flow.flow_id, flow.version, index, trigger.kind, trigger.priority)
            return Selection((match,), f"flow {flow.flow_id!r} started by {event}")
    return Selection(
        (),
        f"flow {flow.flow_id!r} has no {label} trigger; add one to the flow and publish it "
        f"to start it this way",
    )


def _best(flow: PublishedFlow, stimulus: Stimulus) -> _Candidate | None:
    """The flow's best-ranked matching trigger: one flow never starts twice for one message."""
    best: _Candidate | None = None
    for index, trigger in enumerate(flow.triggers):
        what = explain(trigger, stimulus)
        if what is None:
            continue
        rank = (
            -trigger.priority,
            _specificity(trigger),
            flow.created_order,
            flow.flow_id,
            index,
        )
        if best is None or rank < best.rank:
            match = Match(flow.flow_id, flow.version, index, trigger.kind, trigger.priority)
            best = _Candidate(match, trigger.exclusive, what, rank)
    return best


def _specificity(trigger: Trigger) -> int:
    mode = trigger.match if isinstance(trigger, KeywordTrigger) else ""
    return _SPECIFICITY[(trigger.kind, mode)]


def _reason(chosen: list[_Candidate], passed_over: list[_Candidate]) -> str:
    parts = [
        f"flow {c.match.flow_id!r} matched {c.what} "
        f"(priority {c.match.priority}, {'exclusive' if c.exclusive else 'not exclusive'})"
        for c in chosen
    ]
    reason = "; ".join(parts)
    if passed_over:
        names = ", ".join(repr(c.match.flow_id) for c in passed_over)
        reason += f"; also matched but not started, below an exclusive match: {names}"
    return reason
