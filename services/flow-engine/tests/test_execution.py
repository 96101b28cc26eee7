"""Executions, pure: every node type, waits and their inputs, support operations, replay."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import (
    ContactSnapshot,
    ExecutionFailed,
    ExternalCallFailed,
    ExternalCallRequested,
    MessageSendRequested,
    ReplyRejected,
)
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
from parley.contracts.messages import Message
from parley.contracts.registry import registry
from parley.flow_engine.domain.execution import (
    Execution,
    ExecutionInput,
    ExecutionRefused,
    decide,
    evolve,
)
from parley.flow_engine.domain.execution.retries import backoff_seconds
from parley.flow_engine.testing.graphs import edge, graph, node, text, welcome

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class Harness:
    """One execution: apply inputs, keep the log, fold it like the engine does."""

    def __init__(self, flow: FlowGraph, contact_id: str = "c1", time_zone: str = "UTC") -> None:
        self.state = Execution()
        self.log: list[Message] = []
        self.flow = flow
        self.contact = ContactSnapshot(contact_id=contact_id, name="Ada", time_zone=time_zone)

    def start(self, at: datetime = T0) -> list[Message]:
        return self.apply(
            StartExecution(
                execution_id="e1",
                flow_id="f1",
                flow_version=1,
                graph=self.flow,
                contact=self.contact,
                trigger="keyword",
                at=at,
            )
        )

    def apply(self, command: ExecutionInput) -> list[Message]:
        events = list(decide(self.state, command))
        for event in events:
            self.state = evolve(self.state, event)
        self.log.extend(events)
        return events

    def status(self) -> str:
        return self.state.status  # a call, so assertions are not narrowed across apply()

    def sent(self) -> list[str]:
        return [e.message.get("body", "") for e in self.log if isinstance(e, MessageSendRequested)]


def test_welcome_flow_runs_to_the_end_with_a_reprompt() -> None:
    run = Harness(welcome())
    run.start()
    assert run.sent() == ["Hello Ada!"]
    assert run.status() == "waiting"
    assert run.state.node_id == "ask"

    rejected = run.apply(DeliverReply(text="old enough", at=T0 + timedelta(minutes=1)))
    assert isinstance(rejected[0], ReplyRejected)
    assert run.sent()[-1] == "A number please"
    assert run.status() == "waiting"

    run.apply(DeliverReply(text="30", at=T0 + timedelta(minutes=2)))
    assert run.state.variables["age"] == 30
    assert run.sent()[-1] == "Welcome aboard"
    assert run.status() == "completed"
    assert run.state.node_id == "bye"


def test_the_reply_timeout_takes_the_timeout_port_and_stale_timers_do_nothing() -> None:
    run = Harness(welcome())
    run.start()
    assert run.state.waiting is not None
    timer = run.state.waiting.token
    assert run.apply(DeliverTimer(timer_id="someone-else", at=T0)) == []
    run.apply(DeliverTimer(timer_id=timer, at=T0 + timedelta(days=1)))
    assert run.status() == "completed"
    assert run.apply(DeliverTimer(timer_id=timer, at=T0 + timedelta(days=2))) == []  # late
    assert run.apply(DeliverReply(text="30", at=T0 + timedelta(days=2))) == []  # after the end


def test_too_many_invalid_replies_take_the_invalid_port() -> None:
    flow = graph(
        [
            node(
                "ask",
                "wait_for_reply",
                validation={"kind": "option", "options": ["Sí", "No"], "max_reprompts": 1},
            ),
            text("ok", "Thanks"),
            text("giveup", "Let's stop here"),
        ],
        [edge("ask", "ok", "reply"), edge("ask", "giveup", "invalid")],
    )
    run = Harness(flow)
    run.start()
    run.apply(DeliverReply(text="maybe", at=T0))
    run.apply(DeliverReply(text="perhaps", at=T0))
    assert run.sent() == ["Sorry, expected one of: Sí, No. Please try again.", "Let's stop here"]
    again = Harness(flow)
    again.start()
    again.apply(DeliverReply(text="  si ", at=T0))  # case- and accent-insensitive options
    assert again.sent() == ["Thanks"]


def test_command_ids_are_deterministic_and_decide_is_pure() -> None:
    run = Harness(welcome())
    first = run.start()
    again = decide(
        Execution(),
        StartExecution(
            execution_id="e1",
            flow_id="f1",
            flow_version=1,
            graph=welcome(),
            contact=run.contact,
            trigger="keyword",
            at=T0,
        ),
    )
    assert list(again) == first
    sends = [e for e in first if isinstance(e, MessageSendRequested)]
    assert [s.command_id for s in sends] == ["e1:1"]
    assert run.start() == []  # a redelivered start decides nothing


def test_ab_split_is_sticky_per_contact_and_follows_the_weights() -> None:
    flow = graph(
        [
            node(
                "split",
                "ab_split",
                branches=[{"port": "a", "weight": 80}, {"port": "b", "weight": 20}],
            ),
            text("A", "variant A"),
            text("B", "variant B"),
        ],
        [edge("split", "A", "a"), edge("split", "B", "b")],
    )
    outcomes: Counter[str] = Counter()
    for i in range(2000):
        run = Harness(flow, contact_id=f"contact-{i}")
        run.start()
        outcomes[run.sent()[0]] += 1
        again = Harness(flow, contact_id=f"contact-{i}")
        again.start()
        assert again.sent() == run.sent()  # sticky
    assert 0.75 < outcomes["variant A"] / 2000 < 0.85


def test_delay_until_a_time_of_day_in_the_contacts_zone() -> None:
    flow = graph(
        [node("d", "delay", until_time_of_day="08:30"), text("m", "Good morning")], [edge("d", "m")]
    )
    run = Harness(flow, time_zone="America/Sao_Paulo")  # UTC-3: 09:00 UTC is 06:00 there
    run.start()
    assert run.state.waiting is not None
    assert run.state.waiting.until == datetime(2026, 11, 25, 11, 30, tzinfo=UTC)
    run.apply(
        DeliverTimer(timer_id=run.state.waiting.token, at=T0 + timedelta(hours=2, minutes=30))
    )
    assert run.sent() == ["Good morning"]


def test_http_answers_map_variables_and_choose_the_port() -> None:
    flow = graph(
        [
            node(
                "call",
                "http_request",
                url="https://shop.example/orders/{{contact.id}}",
                response_mapping={"status": "order.status"},
            ),
            text("ok", "Your order is {{vars.status}}"),
            text("err", "Try later"),
        ],
        [edge("call", "ok", "success"), edge("call", "err", "error")],
    )
    run = Harness(flow)
    started = run.start()
    request = started[-1]
    assert request.request["url"] == "https://shop.example/orders/c1"  # type: ignore[attr-defined]
    token = run.state.waiting.token  # type: ignore[union-attr]
    run.apply(
        DeliverExternalAnswer(
            request_id=token,
            ok=True,
            result={"status": 200, "json": {"order": {"status": "sent"}}},
            at=T0,
        )
    )
    assert run.sent() == ["Your order is sent"]
    failing = Harness(flow)
    failing.start()
    failing.apply(
        DeliverExternalAnswer(
            request_id=failing.state.waiting.token,  # type: ignore[union-attr]
            ok=False,
            result={"error": "timeout"},
            at=T0,
        )
    )
    assert failing.sent() == ["Try later"]


@pytest.mark.parametrize(
    ("answer", "expected"), [("We open at 9.", "We open at 9."), ("", "I'll ask a colleague")]
)
def test_ai_answers_take_answered_or_no_answer(answer: str, expected: str) -> None:
    flow = graph(
        [
            node("ai", "ai_answer", save_to="answer"),
            text("yes", "{{vars.answer}}"),
            text("no", "I'll ask a colleague"),
        ],
        [edge("ai", "yes", "answered"), edge("ai", "no", "no_answer")],
    )
    run = Harness(flow)
    run.start()
    run.apply(
        DeliverExternalAnswer(
            request_id=run.state.waiting.token,  # type: ignore[union-attr]
            ok=True,
            result={"answer": answer, "sources": []},
            at=T0,
        )
    )
    assert run.sent() == [expected]


def test_handover_pauses_until_released_and_refuses_a_release_otherwise() -> None:
    flow = graph(
        [node("h", "handover", note="VIP"), text("back", "The bot is back")],
        [edge("h", "back", "released")],
    )
    run = Harness(flow)
    run.start()
    assert run.state.waiting is not None
    assert run.state.waiting.kind == "handover"
    assert run.apply(DeliverReply(text="hello?", at=T0)) == []  # a person is answering now
    run.apply(ReleaseHandover(by="agent-7", at=T0))
    assert run.sent() == ["The bot is back"]
    with pytest.raises(ExecutionRefused) as refused:
        run.apply(ReleaseHandover(at=T0))
    assert refused.value.code == "EXECUTION_FINISHED"


def test_support_operations_cancel_and_move() -> None:
    run = Harness(welcome())
    run.start()
    run.apply(MoveExecution(node_id="no", by="agent", at=T0))
    assert run.sent()[-1] == "Come back at  + a few"
    assert run.status() == "completed"
    with pytest.raises(ExecutionRefused):
        run.apply(CancelExecution(at=T0))
    other = Harness(welcome())
    other.start()
    with pytest.raises(ExecutionRefused) as missing:
        other.apply(MoveExecution(node_id="ghost", at=T0))
    assert missing.value.code == "NODE_NOT_FOUND"
    other.apply(CancelExecution(reason="customer asked", at=T0))
    assert other.status() == "cancelled"


def test_an_expression_that_fails_at_run_time_fails_the_execution_with_the_reason() -> None:
    flow = graph(
        [node("c", "condition", expression="vars.x > 1"), text("t", "t")],
        [edge("c", "t", "true")],
        variables=[{"name": "x", "default": "text"}],
    )
    run = Harness(flow)
    events = run.start()
    assert isinstance(events[-1], ExecutionFailed)
    assert run.status() == "failed"
    assert "condition could not be evaluated" in events[-1].reason


def test_the_log_replayed_through_json_rebuilds_the_live_state() -> None:
    run = Harness(welcome())
    run.start()
    run.apply(DeliverReply(text="12", at=T0 + timedelta(minutes=1)))
    rebuilt = Execution()
    for event in run.log:
        wire = Envelope.wrap(event, workspace_id="ws").to_bytes()
        rebuilt = evolve(rebuilt, registry.decode(Envelope.from_bytes(wire), strict=True))
    assert rebuilt == run.state


def _flaky_call(max_attempts: int, with_error_edge: bool) -> FlowGraph:
    nodes = [
        node("call", "http_request", url="https://shop.example/x", max_attempts=max_attempts),
        text("ok", "done"),
    ]
    edges = [edge("call", "ok", "success")]
    if with_error_edge:
        nodes.append(text("err", "Try later"))
        edges.append(edge("call", "err", "error"))
    return graph(nodes, edges)


def _fail(run: Harness, at: datetime, *, retryable: bool = True) -> list[Message]:
    token = run.state.waiting.token  # type: ignore[union-attr]
    return run.apply(
        DeliverExternalAnswer(
            request_id=token, ok=False, retryable=retryable, result={"error": "HTTP 503"}, at=at
        )
    )


def test_a_retryable_failure_backs_off_with_jitter_then_tries_again() -> None:
    run = Harness(_flaky_call(max_attempts=3, with_error_edge=True))
    run.start()
    failed = _fail(run, T0)
    assert isinstance(failed[0], ExternalCallFailed)
    assert 1.0 <= (failed[0].retry_at - T0).total_seconds() < 2.0  # 2 s ceiling, jitter >= 0.5
    assert run.state.waiting is not None
    assert run.state.waiting.kind == "retry"
    retried = run.apply(DeliverTimer(timer_id=failed[0].retry_timer_id, at=failed[0].retry_at))
    again = retried[-1]
    assert isinstance(again, ExternalCallRequested)
    assert again.attempt == 2
    assert again.request_id != failed[0].request_id
    assert again.request["url"] == "https://shop.example/x"
    second = _fail(run, failed[0].retry_at)
    assert isinstance(second[0], ExternalCallFailed)
    assert 2.0 <= (second[0].retry_at - failed[0].retry_at).total_seconds() < 4.0
    run.apply(DeliverTimer(timer_id=second[0].retry_timer_id, at=second[0].retry_at))
    _fail(run, second[0].retry_at)  # the third and last attempt
    assert run.sent() == ["Try later"]
    assert run.status() == "completed"


def test_jitter_spreads_retries_of_different_requests() -> None:
    delays = {backoff_seconds(1, f"exec-{n}-3") for n in range(50)}
    assert len(delays) == 50
    assert all(1.0 <= d < 2.0 for d in delays)
    assert backoff_seconds(20, "x") <= 300


def test_a_final_failure_without_an_error_edge_fails_the_execution_with_the_reason() -> None:
    run = Harness(_flaky_call(max_attempts=1, with_error_edge=False))
    run.start()
    _fail(run, T0)
    assert run.status() == "failed"
    failure = run.log[-1]
    assert isinstance(failure, ExecutionFailed)
    assert "HTTP 503" in failure.reason


def test_a_non_retryable_failure_takes_the_error_port_at_once() -> None:
    run = Harness(_flaky_call(max_attempts=3, with_error_edge=True))
    run.start()
    _fail(run, T0, retryable=False)
    assert run.sent() == ["Try later"]


def test_delivery_statuses_are_recorded_forward_only_even_after_the_end() -> None:
    run = Harness(graph([text("hi", "Hello")], []))
    run.start()
    assert run.status() == "completed"
    command_id = next(e for e in run.log if isinstance(e, MessageSendRequested)).command_id

    def status(value: str) -> list[Message]:
        return run.apply(
            DeliverMessageStatus(command_id=command_id, status=value, at=T0)  # type: ignore[arg-type]
        )

    assert len(status("delivered")) == 1
    assert status("sent") == []  # overtaken: delivered already says more
    assert status("delivered") == []  # a duplicate
    assert len(status("read")) == 1
    assert len(status("failed")) == 1
    assert status("read") == []  # failed is final
    assert run.state.statuses == {command_id: "failed"}
    assert run.apply(DeliverMessageStatus(command_id="other:1", status="sent", at=T0)) == []
