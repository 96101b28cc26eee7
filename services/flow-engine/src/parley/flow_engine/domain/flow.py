"""The flow aggregate: a draft the builder edits, and immutable published versions.

`decide` checks a command against the current state and returns events, or raises FlowRefused
naming the rule; `evolve` folds an event into the state and never checks anything, so replaying
old events always works.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from parley.contracts.flows.commands import (
    ArchiveFlow,
    CreateFlow,
    DuplicateFlow,
    PublishFlow,
    RenameFlow,
    UnarchiveFlow,
    UpdateFlowDraft,
)
from parley.contracts.flows.events import (
    FlowArchived,
    FlowCreated,
    FlowDraftUpdated,
    FlowPublished,
    FlowRenamed,
    FlowUnarchived,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message
from parley.flow_engine.domain.validation import Problem, errors, validate

FlowCommand = CreateFlow | UpdateFlowDraft | RenameFlow | PublishFlow | ArchiveFlow | UnarchiveFlow


class FlowRefused(Exception):
    """A command the flow's current state does not allow; `code` is stable for API clients."""

    def __init__(self, code: str, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.problems = list(problems)


@dataclass(frozen=True)
class Flow:
    exists: bool = False
    flow_id: str = ""
    name: str = ""
    draft: FlowGraph = field(default_factory=FlowGraph)
    versions: dict[int, FlowGraph] = field(default_factory=dict)
    archived: bool = False

    @property
    def latest_version(self) -> int:
        return max(self.versions, default=0)

    @property
    def draft_is_published(self) -> bool:
        return self.latest_version > 0 and self.versions[self.latest_version] == self.draft


class FlowDecider:
    def initial_state(self) -> Flow:
        return Flow()

    def evolve(self, state: Flow, event: Message) -> Flow:
        if isinstance(event, FlowCreated):
            return Flow(exists=True, flow_id=event.flow_id, name=event.name, draft=event.graph)
        if isinstance(event, FlowDraftUpdated):
            return replace(state, draft=event.graph)
        if isinstance(event, FlowRenamed):
            return replace(state, name=event.name)
        if isinstance(event, FlowPublished):
            return replace(state, versions={**state.versions, event.version: event.graph})
        if isinstance(event, FlowArchived):
            return replace(state, archived=True)
        if isinstance(event, FlowUnarchived):
            return replace(state, archived=False)
        return state

    def decide(self, state: Flow, command: FlowCommand) -> Sequence[Message]:
        if isinstance(command, CreateFlow):
            if state.exists:
                raise FlowRefused("FLOW_EXISTS", f"a flow with id {command.flow_id!r} exists")
            return [FlowCreated(flow_id=command.flow_id, name=command.name, graph=command.graph)]
        if not state.exists:
            raise FlowRefused("FLOW_NOT_FOUND", "no such flow")
        if isinstance(command, UnarchiveFlow):
            return [FlowUnarchived()] if state.archived else []
        if state.archived:
            raise FlowRefused("FLOW_ARCHIVED", "the flow is archived: unarchive it to change it")
        if isinstance(command, UpdateFlowDraft):
            return [] if command.graph == state.draft else [FlowDraftUpdated(graph=command.graph)]
        if isinstance(command, RenameFlow):
            return [] if command.name == state.name else [FlowRenamed(name=command.name)]
        if isinstance(command, PublishFlow):
            return self._publish(state, command)
        return [FlowArchived()]

    def _publish(self, state: Flow, command: PublishFlow) -> Sequence[Message]:
        blocking = errors(validate(state.draft))
        if blocking:
            raise FlowRefused(
                "FLOW_INVALID",
                f"the draft has {len(blocking)} problem(s) to fix before publishing",
                blocking,
            )
        if state.draft_is_published:
            raise FlowRefused(
                "NOTHING_TO_PUBLISH",
                f"the draft is identical to version {state.latest_version}",
            )
        return [
            FlowPublished(version=state.latest_version + 1, graph=state.draft, note=command.note)
        ]

    def snapshot(self, state: Flow) -> Message | None:
        return None  # flows have few events; every version is needed anyway


def duplicate(source: Flow, command: DuplicateFlow) -> FlowCreated:
    """The first event of the copy. It spans two aggregates, so the handler reads the source and
    appends this to the new flow's subject expecting it empty (an existing id is refused there)."""
    if not source.exists:
        raise FlowRefused("FLOW_NOT_FOUND", "no such flow to duplicate")
    return FlowCreated(
        flow_id=command.new_flow_id,
        name=command.name,
        graph=source.draft,
        duplicated_from=source.flow_id,
    )
