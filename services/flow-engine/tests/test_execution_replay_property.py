"""Property (issue 3): for random valid flows and random input sequences, the state rebuilt from
the log equals the live state; support operations are the only inputs that may be refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import (
    CancelExecution,
    DeliverExternalAnswer,
    DeliverMessageStatus,
    DeliverReply,
    DeliverTimer,
    MoveExecution,
    ReleaseHandover,
    StartExecution,
)
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.registry import registry
from parley.flow_engine.domain.execution import Execution, ExecutionRefused, decide, evolve
from parley.flow_engine.domain.validation import errors, validate
from parley.flow_engine.testing.graphs import edge, graph, node, text

T0 = datetime(2026, 1, 1, tzinfo=UTC)

STEPS: list[tuple[dict[str, Any], tuple[str, ...]]] = [
    (text("?", "Hi {{contact.name}} {{vars.v}}"), ("next",)),
    (
        node("?", "condition", expression='vars.v == "yes" or reply.text contains "a"'),
        ("true", "false"),
    ),
    (node("?", "set_variable", variable="v", expression='"yes"'), ("next",)),
    (
        node(
            "?",
            "wait_for_reply",
            save_to="v",
            validation={"kind": "option", "options": ["a", "b"], "max_reprompts": 1},
        ),
        ("reply", "timeout", "invalid"),
    ),
    (node("?", "delay", seconds=60), ("next",)),
    (node("?", "ab_split"), ("a", "b")),
    (
        node("?", "update_contact", add_tags=["seen"], set_fields={"last": "{{reply.text}}"}),
        ("next",),
    ),
    (node("?", "handover"), ("released",)),
    (
        node(
            "?",
            "http_request",
            url="https://x.example/{{vars.v}}",
            response_mapping={"v": "data.v"},
        ),
        ("success", "error"),
    ),
    (node("?", "ai_answer", save_to="v"), ("answered", "no_answer", "error")),
]


@st.composite
def flows(draw: st.DrawFn) -> FlowGraph:
    """A random valid acyclic flow: each port goes to a later node or to the end."""
    count = draw(st.integers(1, 7))
    picks = [draw(st.integers(0, len(STEPS) - 1)) for _ in range(count)]
    nodes = []
    edges = []
    for i, pick in enumerate(picks):
        template, ports = STEPS[pick]
        nodes.append({**template, "id": f"n{i}"})
        for k, port in enumerate(ports):
            # The first port leads to the next node, so every node is reachable.
            target = i + 1 if k == 0 else draw(st.integers(i + 1, count))
            edges.append(edge(f"n{i}", f"n{target}" if target < count else "end", port))
    nodes.append(node("end", "end"))
    flow = graph(nodes, edges, variables=[{"name": "v", "default": ""}])
    assert errors(validate(flow)) == [], validate(flow)
    return flow


inputs = st.lists(
    st.one_of(
        st.builds(lambda t: ("reply", t), st.sampled_from(["a", "b", "zzz", "A ", ""])),
        st.just(("timer", "current")),
        st.just(("timer", "stale")),
        st.builds(
            lambda ok, answer, retryable: ("answer", ok, answer, retryable),
            st.booleans(),
            st.sampled_from(["", "42"]),
            st.booleans(),
        ),
        st.builds(
            lambda step, status: ("status", step, status),
            st.integers(1, 4),
            st.sampled_from(["sent", "delivered", "read", "failed"]),
        ),
        st.just(("release",)),
        st.just(("cancel",)),
        st.builds(lambda n: ("move", n), st.sampled_from(["n0", "n1", "end", "ghost"])),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(flows(), inputs, st.integers(0, 10_000))
def test_the_state_rebuilt_from_the_log_equals_the_live_state(
    flow: FlowGraph, script: list[tuple[Any, ...]], contact: int
) -> None:
    state = Execution()
    log: list[bytes] = []
    start = StartExecution(
        execution_id="e1",
        flow_id="f",
        flow_version=1,
        graph=flow,
        contact=ContactSnapshot(contact_id=f"c{contact}"),
        trigger="api",
        at=T0,
    )
    commands: list[Any] = [start]
    refusals: list[tuple[Any, str]] = []
    for i, item in enumerate(script):
        at = T0 + timedelta(minutes=i + 1)
        token = state.waiting.token if state.waiting else "none"
        if item[0] == "reply":
            commands.append(DeliverReply(text=item[1], at=at))
        elif item[0] == "timer":
            commands.append(DeliverTimer(timer_id=token if item[1] == "current" else "x", at=at))
        elif item[0] == "answer":
            commands.append(
                DeliverExternalAnswer(
                    request_id=token,
                    ok=item[1],
                    retryable=item[3],
                    result={"answer": item[2], "json": {"data": {"v": item[2]}}},
                    at=at,
                )
            )
        elif item[0] == "status":
            commands.append(DeliverMessageStatus(command_id=f"e1:{item[1]}", status=item[2], at=at))
        elif item[0] == "release":
            commands.append(ReleaseHandover(at=at))
        elif item[0] == "cancel":
            commands.append(CancelExecution(at=at))
        else:
            commands.append(MoveExecution(node_id=item[1], at=at))

        for command in commands:
            try:
                events = decide(state, command)
            except ExecutionRefused as refused:
                refusals.append((command, refused.code))
                continue
            for event in events:
                log.append(Envelope.wrap(event, workspace_id="ws").to_bytes())
                state = evolve(state, event)
        commands = []

    for command, code in refusals:  # only support operations may be refused, always with a code
        assert isinstance(command, ReleaseHandover | CancelExecution | MoveExecution)
        assert code
    rebuilt = Execution()
    for raw in log:
        rebuilt = evolve(rebuilt, registry.decode(Envelope.from_bytes(raw), strict=True))
    assert rebuilt == state
