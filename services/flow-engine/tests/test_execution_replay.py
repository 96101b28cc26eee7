"""Replay tooling: timeline, state after event N, and the same inputs against another version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.contracts.messages import Message
from parley.flow_engine.domain.execution.replay import (
    against_version,
    play,
    recorded_inputs,
    state_at,
    timeline,
)
from parley.flow_engine.testing.graphs import welcome
from parley.flow_engine.testing.scenarios import unwire

GOLDEN = Path(__file__).with_name("golden")


def golden(name: str) -> list[Message]:
    fixture = json.loads((GOLDEN / f"{name}.json").read_text())
    return [unwire(item) for item in fixture["events"]]


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_the_inputs_read_back_from_a_log_reproduce_it_exactly(path: Path) -> None:
    events = golden(path.stem)
    _, replayed, _ = play(recorded_inputs(events))
    assert replayed == events


def test_timeline_names_each_event_its_node_and_time() -> None:
    events = golden("welcome_reprompt_then_adult")
    entries = timeline(events)
    assert [e.index for e in entries] == list(range(1, len(events) + 1))
    assert entries[0].event == "exec.ExecutionStarted"
    assert "graph" not in entries[0].detail
    rejected = next(e for e in entries if e.event == "exec.ReplyRejected")
    assert rejected.node_id == "ask"
    assert rejected.detail["text"] == "thirty"
    assert rejected.detail["reason"] == "expected a number"
    assert entries[-1].event == "exec.ExecutionCompleted"
    assert entries[-1].at is not None
    assert entries[-1].at > entries[0].at  # type: ignore[operator]


def test_state_at_any_event() -> None:
    events = golden("welcome_reprompt_then_adult")
    assert state_at(events, 0).status == "new"
    waiting = [i for i in range(1, len(events) + 1) if state_at(events, i).status == "waiting"]
    assert waiting
    assert state_at(events, waiting[0]).node_id == "ask"
    assert state_at(events, len(events)).variables == {"age": 30}
    with pytest.raises(ValueError, match="ask for 0 to"):
        state_at(events, len(events) + 1)


def test_against_the_same_version_nothing_diverges() -> None:
    events = golden("lead_capture_buttons_http_jump")
    start = recorded_inputs(events)[0]
    result = against_version(events, start.graph, 1)  # type: ignore[union-attr]
    assert result.diverges_at is None
    assert result.replayed_path == result.recorded_path
    assert result.replayed_status == result.recorded_status == "completed"


def test_against_a_newer_version_shows_where_the_paths_part() -> None:
    events = golden("welcome_reprompt_then_adult")  # the contact answered 30
    current = welcome()
    adult = current.node("adult")
    assert adult is not None
    older = adult.model_copy(update={"expression": "number(vars.age) >= 35"})
    stricter = current.model_copy(
        update={"nodes": tuple(older if n.id == "adult" else n for n in current.nodes)}
    )
    result = against_version(events, stricter, 2)
    assert result.diverges_at is not None
    assert result.recorded_path[result.diverges_at] == "yes"
    assert result.replayed_path[result.diverges_at] == "no"
    assert result.recorded_path[: result.diverges_at] == result.replayed_path[: result.diverges_at]
