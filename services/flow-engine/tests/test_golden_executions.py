"""Golden execution logs (services/flow-engine/tests/golden), replayed in CI.

Two checks per recorded log: folding it reaches the recorded final state (the log alone is
enough to rebuild an execution), and today's `decide` fed the recorded inputs writes exactly the
recorded events (a behaviour change for in-flight executions fails here). When a change is
intended, gate it behind a named marker for executions already running, then re-record with
`python -m parley.flow_engine.testing.scenarios`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from parley.contracts.executions.events import NodeEntered
from parley.flow_engine.domain.execution import Execution, evolve
from parley.flow_engine.domain.execution.replay import play
from parley.flow_engine.testing.scenarios import SCENARIOS, load_inputs, summary, unwire, wire

GOLDEN = Path(__file__).with_name("golden")
FIXTURES = sorted(GOLDEN.glob("*.json"))
NODE_TYPES = {
    "send_message",
    "condition",
    "set_variable",
    "wait_for_reply",
    "delay",
    "ai_answer",
    "http_request",
    "update_contact",
    "handover",
    "ab_split",
    "jump",
    "end",
}


def load(path: Path) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads(path.read_text())
    return fixture


def test_there_is_one_fixture_per_scenario_and_at_least_five() -> None:
    assert sorted(p.stem for p in FIXTURES) == sorted(s.name for s in SCENARIOS)
    assert len(FIXTURES) >= 5


def test_the_fixtures_cover_every_node_type_and_message_kind() -> None:
    entered: set[str] = set()
    kinds: set[str] = set()
    for path in FIXTURES:
        fixture = load(path)
        graph = unwire(fixture["inputs"][0]).graph  # type: ignore[attr-defined]
        for item in fixture["events"]:
            event = unwire(item)
            if isinstance(event, NodeEntered):
                node = graph.node(event.node_id)
                entered.add(node.type)
                if node.type == "send_message":
                    kinds.add(node.message.kind)
    assert entered == NODE_TYPES
    assert kinds == {"text", "media", "buttons", "list", "template"}


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_folding_the_recorded_log_reaches_the_recorded_state(path: Path) -> None:
    fixture = load(path)
    events = [unwire(item) for item in fixture["events"]]
    state = Execution()
    for event in events:
        state = evolve(state, event)
    assert summary(state, events) == fixture["final"]


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_todays_code_writes_exactly_the_recorded_log(path: Path) -> None:
    fixture = load(path)
    _, log, _ = play(load_inputs(fixture))
    assert [wire(e) for e in log] == fixture["events"]
