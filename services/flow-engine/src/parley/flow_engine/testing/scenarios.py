"""Recorded execution scenarios: the golden logs committed under services/flow-engine/tests/golden.

Each scenario is a flow, a contact and a script of inputs. Recording runs the script through the
pure `decide`/`evolve` and stores the inputs, the resulting log and a summary of the final state.
CI replays them: a code change that alters what an in-flight execution does shows up as a diff in
the log, and must then be gated behind a named marker instead of silently changing behaviour.

    python -m parley.flow_engine.testing.scenarios services/flow-engine/tests/golden
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from parley.contracts.executions.events import ContactSnapshot, MessageSendRequested
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
from parley.contracts.messages import Command, Message
from parley.contracts.registry import registry
from parley.flow_engine.domain.execution import Execution, ExecutionInput
from parley.flow_engine.domain.execution.replay import CURRENT, play
from parley.flow_engine.testing.graphs import edge, graph, node, text, welcome

T0 = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Scenario:
    name: str
    flow: FlowGraph
    contact: ContactSnapshot
    script: Callable[[], list[ExecutionInput]]


def _start(flow: FlowGraph, contact: ContactSnapshot) -> StartExecution:
    return StartExecution(
        execution_id="exec-1",
        flow_id="flow-1",
        flow_version=1,
        graph=flow,
        contact=contact,
        trigger="keyword",
        at=T0,
    )


def _busy(at: datetime) -> DeliverExternalAnswer:
    return DeliverExternalAnswer(
        request_id=CURRENT,
        ok=False,
        retryable=True,
        result={"status": 503, "error": "HTTP 503 Service Unavailable"},
        at=at,
    )


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def lead_capture() -> FlowGraph:
    return graph(
        [
            node("tag", "update_contact", add_tags=["lead"], set_fields={"source": "whatsapp"}),
            node(
                "ask",
                "send_message",
                message={
                    "kind": "buttons",
                    "body": "Hi {{contact.name}}, what are you after?",
                    "buttons": [{"id": "buy", "title": "Buy"}, {"id": "info", "title": "Info"}],
                },
            ),
            node(
                "choice",
                "wait_for_reply",
                save_to="choice",
                validation={"kind": "option", "options": ["buy", "info"]},
            ),
            node("is_buy", "condition", expression='vars.choice == "buy"'),
            node("score", "set_variable", variable="score", expression="10 * 3"),
            node(
                "crm",
                "http_request",
                method="POST",
                url="https://crm.example/leads",
                body='{"name": "{{contact.name}}", "score": {{vars.score}}}',
                response_mapping={"lead_id": "lead.id"},
            ),
            text("thanks", "Thanks! Your lead number is {{vars.lead_id}}"),
            node("again", "jump", target_node="ask"),
            text("sorry", "Our system is busy, we will call you"),
            node("done", "end"),
        ],
        [
            edge("tag", "ask"),
            edge("ask", "choice"),
            edge("choice", "is_buy", "reply"),
            edge("choice", "done", "timeout"),
            edge("choice", "done", "invalid"),
            edge("is_buy", "score", "true"),
            edge("is_buy", "again", "false"),
            edge("score", "crm"),
            edge("crm", "thanks", "success"),
            edge("crm", "sorry", "error"),
            edge("thanks", "done"),
            edge("sorry", "done"),
        ],
        variables=[{"name": "lead_id"}],
    )


def faq_with_ai() -> FlowGraph:
    return graph(
        [
            node("ask", "wait_for_reply", save_to="question"),
            node("ai", "ai_answer", question="{{vars.question}}", save_to="answer"),
            text("answer", "{{vars.answer}}"),
            node("human", "handover", note="AI had no answer"),
            text("back", "Anything else?"),
            node("done", "end"),
        ],
        [
            edge("ask", "ai", "reply"),
            edge("ask", "done", "timeout"),
            edge("ai", "answer", "answered"),
            edge("ai", "human", "no_answer"),
            edge("ai", "human", "error"),
            edge("answer", "ask"),
            edge("human", "back", "released"),
            edge("back", "ask"),
        ],
    )


def re_engagement() -> FlowGraph:
    return graph(
        [
            node("wait", "delay", seconds=3 * 24 * 3600),
            node(
                "split",
                "ab_split",
                branches=[{"port": "coupon", "weight": 50}, {"port": "news", "weight": 50}],
            ),
            node(
                "coupon",
                "send_message",
                message={
                    "kind": "template",
                    "name": "coupon_10",
                    "language": "en_US",
                    "body_parameters": ["{{contact.name}}", "10%"],
                },
            ),
            node(
                "news",
                "send_message",
                message={
                    "kind": "media",
                    "media_type": "image",
                    "url": "https://cdn.example/new.png",
                    "caption": "New in store for you, {{contact.name}}",
                },
            ),
            node("next_flow", "jump", target_flow="flow-survey"),
        ],
        [
            edge("wait", "split"),
            edge("split", "coupon", "coupon"),
            edge("split", "news", "news"),
            edge("coupon", "next_flow"),
            edge("news", "next_flow"),
        ],
    )


def appointment() -> FlowGraph:
    return graph(
        [
            node(
                "menu",
                "send_message",
                message={
                    "kind": "list",
                    "body": "When suits you?",
                    "button": "Pick a slot",
                    "sections": [
                        {
                            "title": "Tomorrow",
                            "rows": [
                                {"id": "am", "title": "Morning"},
                                {"id": "pm", "title": "Afternoon"},
                            ],
                        }
                    ],
                },
            ),
            node(
                "slot",
                "wait_for_reply",
                save_to="slot",
                timeout_seconds=3600,
                validation={"kind": "option", "options": ["am", "pm"]},
            ),
            node("remind", "delay", until_time_of_day="08:00"),
            text("reminder", "Reminder: your {{vars.slot}} appointment is today"),
            text("nudge", "Still there? Reply with a slot when you can."),
            node("done", "end"),
        ],
        [
            edge("menu", "slot"),
            edge("slot", "remind", "reply"),
            edge("slot", "nudge", "timeout"),
            edge("slot", "done", "invalid"),
            edge("remind", "reminder"),
            edge("reminder", "done"),
            edge("nudge", "done"),
        ],
    )


ADA = ContactSnapshot(
    contact_id="contact-ada",
    name="Ada",
    phone="+351910000001",
    time_zone="Europe/Lisbon",
    tags=("vip",),
)
BOB = ContactSnapshot(
    contact_id="contact-bob", name="Bob", phone="+5511900000002", time_zone="America/Sao_Paulo"
)
CLEO = ContactSnapshot(
    contact_id="contact-cleo", name="Cleo", phone="+14155550003", time_zone="America/Los_Angeles"
)  # lands in the other A/B branch

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "welcome_reprompt_then_adult",
        welcome(),
        ADA,
        lambda: [
            _start(welcome(), ADA),
            DeliverReply(text="thirty", at=_at(1)),
            DeliverReply(text="30", at=_at(2)),
        ],
    ),
    Scenario(
        "lead_capture_buttons_http_jump",
        lead_capture(),
        BOB,
        lambda: [
            _start(lead_capture(), BOB),
            DeliverReply(text="Info", button_id="info", at=_at(1)),
            DeliverReply(text="Buy", button_id="buy", at=_at(2)),
            DeliverExternalAnswer(
                request_id=CURRENT,
                ok=True,
                result={"status": 201, "json": {"lead": {"id": "L-77"}}},
                at=_at(2),
            ),
        ],
    ),
    Scenario(
        "faq_ai_answer_then_handover",
        faq_with_ai(),
        ADA,
        lambda: [
            _start(faq_with_ai(), ADA),
            DeliverReply(text="When do you open?", at=_at(1)),
            DeliverExternalAnswer(
                request_id=CURRENT,
                ok=True,
                result={"answer": "We open at 9:00.", "sources": ["hours.md#1"]},
                at=_at(1),
            ),
            DeliverReply(text="Can I bring my dog?", at=_at(3)),
            DeliverExternalAnswer(
                request_id=CURRENT, ok=True, result={"answer": "", "sources": []}, at=_at(3)
            ),
            DeliverReply(text="hello? (a person is answering now)", at=_at(4)),
            ReleaseHandover(by="agent-7", at=_at(30)),
            DeliverTimer(timer_id=CURRENT, at=_at(30 + 24 * 60)),
        ],
    ),
    Scenario(
        "re_engagement_delay_split_jump_flow",
        re_engagement(),
        BOB,
        lambda: [
            _start(re_engagement(), BOB),
            DeliverTimer(timer_id="stale-timer", at=_at(60)),
            DeliverTimer(timer_id=CURRENT, at=_at(3 * 24 * 60)),
        ],
    ),
    Scenario(
        "re_engagement_other_branch_media",
        re_engagement(),
        CLEO,
        lambda: [
            _start(re_engagement(), CLEO),
            DeliverTimer(timer_id=CURRENT, at=_at(3 * 24 * 60)),
        ],
    ),
    Scenario(
        "appointment_list_move_time_of_day",
        appointment(),
        ADA,
        lambda: [
            _start(appointment(), ADA),
            DeliverReply(text="tomorrow", at=_at(10)),
            MoveExecution(node_id="menu", by="agent-2", at=_at(20)),
            DeliverReply(text="PM", button_id="pm", at=_at(25)),
            DeliverTimer(timer_id=CURRENT, at=_at(18 * 60)),
        ],
    ),
    Scenario(
        "http_retried_then_error_port_with_statuses",
        lead_capture(),
        ADA,
        lambda: [
            _start(lead_capture(), ADA),
            DeliverMessageStatus(command_id="exec-1:2", status="sent", at=_at(0.1)),
            DeliverMessageStatus(command_id="exec-1:2", status="read", at=_at(0.5)),
            DeliverMessageStatus(command_id="exec-1:2", status="delivered", at=_at(0.6)),
            DeliverReply(text="Buy", button_id="buy", at=_at(1)),
            _busy(_at(1)),
            DeliverTimer(timer_id=CURRENT, at=_at(1.05)),
            _busy(_at(1.05)),
            DeliverTimer(timer_id=CURRENT, at=_at(1.2)),
            _busy(_at(1.2)),
            DeliverMessageStatus(
                command_id="exec-1:7",
                status="failed",
                code="131047",
                reason="more than 24 hours since the customer last replied",
                at=_at(2),
            ),
        ],
    ),
    Scenario(
        "ai_timed_out_then_answered_on_retry",
        faq_with_ai(),
        BOB,
        lambda: [
            _start(faq_with_ai(), BOB),
            DeliverReply(text="Do you deliver?", at=_at(1)),
            DeliverTimer(timer_id=CURRENT, at=_at(1.5)),
            DeliverTimer(timer_id=CURRENT, at=_at(1.6)),
            DeliverExternalAnswer(
                request_id=CURRENT,
                ok=True,
                result={"answer": "Yes, within 10 km.", "sources": ["delivery.md#2"]},
                at=_at(1.7),
            ),
        ],
    ),
    Scenario(
        "cancelled_while_waiting",
        welcome(),
        BOB,
        lambda: [
            _start(welcome(), BOB),
            CancelExecution(reason="customer opted out", by="crm", at=_at(5)),
            DeliverReply(text="40", at=_at(6)),
        ],
    ),
)


def summary(state: Execution, log: Sequence[Message]) -> dict[str, Any]:
    return {
        "status": state.status,
        "node_id": state.node_id,
        "step": state.step,
        "variables": state.variables,
        "contact_tags": list(state.contact.tags),
        "waiting": state.waiting.kind if state.waiting else None,
        "sent": [e.message for e in log if isinstance(e, MessageSendRequested)],
    }


def wire(message: Message) -> dict[str, Any]:
    return {
        "type": message.wire_name,
        "schema_version": message.schema_version,
        "data": message.model_dump(mode="json"),
    }


def unwire(item: dict[str, Any]) -> Message:
    cls = registry.get(item["type"])
    data = registry.upcast(item["type"], item["schema_version"], item["data"])
    return cls.model_validate(data, extra="forbid")


def record(scenario: Scenario) -> dict[str, Any]:
    played, log, state = play(scenario.script())
    return {
        "scenario": scenario.name,
        "inputs": [wire(c) for c in played],
        "events": [wire(e) for e in log],
        "final": summary(state, log),
    }


def load_inputs(fixture: dict[str, Any]) -> list[ExecutionInput]:
    inputs = [unwire(item) for item in fixture["inputs"]]
    assert all(isinstance(i, Command) for i in inputs)
    return inputs  # type: ignore[return-value]


def main(out_dir: str) -> None:
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    for scenario in SCENARIOS:
        path = target / f"{scenario.name}.json"
        path.write_text(json.dumps(record(scenario), indent=2, sort_keys=True) + "\n")
        print(f"recorded {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "services/flow-engine/tests/golden")
