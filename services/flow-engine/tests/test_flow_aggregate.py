"""The flow aggregate's decide/evolve, pure."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from parley.contracts.flows.commands import (
    ArchiveFlow,
    CreateFlow,
    DuplicateFlow,
    PublishFlow,
    RenameFlow,
    UnarchiveFlow,
    UpdateFlowDraft,
)
from parley.contracts.flows.events import FlowPublished
from parley.contracts.messages import Message
from parley.flow_engine.domain.flow import (
    Flow,
    FlowCommand,
    FlowDecider,
    FlowRefused,
    duplicate,
)
from parley.flow_engine.testing.graphs import graph, text, welcome

decider = FlowDecider()


def run(commands: Sequence[FlowCommand], state: Flow | None = None) -> tuple[Flow, list[Message]]:
    state = state or decider.initial_state()
    emitted: list[Message] = []
    for command in commands:
        for event in decider.decide(state, command):
            emitted.append(event)
            state = decider.evolve(state, event)
    return state, emitted


def test_publish_creates_immutable_numbered_versions() -> None:
    state, _ = run(
        [CreateFlow(flow_id="f1", name="Welcome", graph=welcome()), PublishFlow(note="first")]
    )
    assert state.latest_version == 1
    edited = graph([text("greet", "Hi!")], [])
    state, events = run([UpdateFlowDraft(graph=edited), PublishFlow()], state)
    assert [type(e) for e in events][-1] is FlowPublished
    assert state.latest_version == 2
    assert state.versions[1] == welcome()  # version 1 did not change with the draft
    assert state.versions[2] == edited


def test_publishing_an_invalid_draft_names_every_problem() -> None:
    state, _ = run(
        [CreateFlow(flow_id="f1", name="Broken", graph=graph([text("a", ""), text("b", "x")], []))]
    )
    with pytest.raises(FlowRefused) as refused:
        decider.decide(state, PublishFlow())
    assert refused.value.code == "FLOW_INVALID"
    assert {(p.node_id, p.field) for p in refused.value.problems} == {
        ("a", "message.body"),
        ("b", "node"),
    }


def test_publishing_an_unchanged_draft_is_refused() -> None:
    state, _ = run([CreateFlow(flow_id="f1", name="W", graph=welcome()), PublishFlow()])
    with pytest.raises(FlowRefused, match="identical to version 1") as refused:
        decider.decide(state, PublishFlow())
    assert refused.value.code == "NOTHING_TO_PUBLISH"


def test_an_archived_flow_refuses_changes_until_unarchived() -> None:
    state, _ = run([CreateFlow(flow_id="f1", name="W", graph=welcome()), ArchiveFlow()])
    with pytest.raises(FlowRefused) as refused:
        decider.decide(state, RenameFlow(name="X"))
    assert refused.value.code == "FLOW_ARCHIVED"
    state, _ = run([UnarchiveFlow(), RenameFlow(name="X")], state)
    assert state.name == "X"
    assert not state.archived


def test_no_op_commands_emit_nothing_and_creation_is_once() -> None:
    state, _ = run([CreateFlow(flow_id="f1", name="W", graph=welcome())])
    assert decider.decide(state, UpdateFlowDraft(graph=welcome())) == []
    assert decider.decide(state, RenameFlow(name="W")) == []
    with pytest.raises(FlowRefused) as refused:
        decider.decide(state, CreateFlow(flow_id="f1", name="again"))
    assert refused.value.code == "FLOW_EXISTS"
    with pytest.raises(FlowRefused) as missing:
        decider.decide(decider.initial_state(), PublishFlow())
    assert missing.value.code == "FLOW_NOT_FOUND"


def test_duplicate_copies_the_draft_and_remembers_the_source() -> None:
    state, _ = run([CreateFlow(flow_id="f1", name="W", graph=welcome())])
    created = duplicate(state, DuplicateFlow(new_flow_id="f2", name="W (copy)"))
    copy = decider.evolve(decider.initial_state(), created)
    assert copy.draft == state.draft
    assert copy.flow_id == "f2"
    assert copy.versions == {}
    assert created.duplicated_from == "f1"
    with pytest.raises(FlowRefused):
        duplicate(decider.initial_state(), DuplicateFlow(new_flow_id="f3", name="x"))
