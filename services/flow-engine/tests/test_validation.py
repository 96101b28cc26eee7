"""Validation reports every problem with node, field and rule."""

from __future__ import annotations

from typing import Any

import pytest

from parley.flow_engine.domain.validation import Problem, errors, validate
from parley.flow_engine.testing.graphs import edge, graph, node, text, welcome


def error_rules(problems: list[Problem]) -> list[tuple[str | None, str, str]]:
    return [(p.node_id, p.field, p.rule) for p in errors(problems)]


def test_a_complete_flow_has_no_errors() -> None:
    assert errors(validate(welcome())) == []


def test_an_unconnected_port_is_a_warning_not_an_error() -> None:
    problems = validate(
        graph(
            [node("c", "condition", expression="1 == 1"), node("e", "end")],
            [edge("c", "e", "true")],
        )
    )
    assert errors(problems) == []
    assert any(
        p.node_id == "c" and p.field == "ports.false" and p.severity == "warning" for p in problems
    )


def test_entry_is_required_and_must_exist() -> None:
    missing = error_rules(validate(graph([node("e", "end")], [], entry="")))
    assert missing == [(None, "entry", "required: choose the node executions start at")]
    unknown = error_rules(validate(graph([node("e", "end")], [], entry="ghost")))
    assert unknown == [(None, "entry", "names no node of this flow ('ghost')")]


def test_dangling_edges_unknown_ports_and_double_connections() -> None:
    problems = error_rules(
        validate(
            graph(
                [text("a", "hi"), node("c", "condition", expression="true"), node("e", "end")],
                [
                    edge("a", "c"),
                    edge("a", "e"),
                    edge("c", "e", "maybe"),
                    edge("c", "ghost", "true"),
                    edge("ghost", "e"),
                    edge("c", "e", "false"),
                ],
            )
        )
    )
    assert ("a", "edges[1]", "port 'next' is connected more than once") in problems
    assert (
        "c",
        "edges[2]",
        "a condition node has no port 'maybe' (its ports: true, false)",
    ) in problems
    assert ("c", "edges[3]", "dangling edge: target node 'ghost' does not exist") in problems
    assert (None, "edges[4]", "dangling edge: source node 'ghost' does not exist") in problems


def test_unreachable_nodes_are_named() -> None:
    problems = error_rules(validate(graph([text("a", "hi"), text("island", "alone")], [])))
    assert problems == [("island", "node", "unreachable: no path leads here from the entry node")]


def test_a_cycle_without_a_pause_is_refused_and_one_with_a_wait_is_fine() -> None:
    loop = graph(
        [text("a", "hi"), node("s", "set_variable", variable="n", expression="1"), text("b", "x")],
        [edge("a", "s"), edge("s", "b"), edge("b", "s")],
    )
    assert error_rules(validate(loop)) == [
        (
            "b",
            "edges",
            "cycle b → s → b has no Wait for reply, Delay or Handover: it would loop without pause",
        )
    ]
    paced = graph(
        [text("a", "hi"), node("w", "wait_for_reply", save_to="r"), text("b", "again?")],
        [edge("a", "w"), edge("w", "b", "reply"), edge("b", "w")],
    )
    assert error_rules(validate(paced)) == []


def test_a_self_jump_loop_is_a_cycle() -> None:
    problems = error_rules(validate(graph([node("j", "jump", target_node="j")], [])))
    assert any("cycle j → j" in rule for _, _, rule in problems)


@pytest.mark.parametrize(
    ("config", "field"),
    [
        (node("n", "send_message", message={"kind": "text"}), "message.body"),
        (node("n", "send_message", message={"kind": "media"}), "message.url"),
        (node("n", "send_message", message={"kind": "buttons", "body": "b"}), "message.buttons"),
        (
            node("n", "send_message", message={"kind": "list", "body": "b", "button": "x"}),
            "message.sections",
        ),
        (node("n", "send_message", message={"kind": "template"}), "message.name"),
        (node("n", "condition"), "expression"),
        (node("n", "set_variable", expression="1"), "variable"),
        (node("n", "wait_for_reply", validation={"kind": "option"}), "validation.options"),
        (node("n", "delay"), "seconds"),
        (node("n", "http_request"), "url"),
        (node("n", "jump"), "target_node"),
        (node("n", "update_contact"), "add_tags"),
    ],
)
def test_missing_config_is_named_per_node_type(config: dict[str, Any], field: str) -> None:
    problems = error_rules(validate(graph([config], [])))
    assert any(
        node_id == "n" and f == field and rule.startswith("required:")
        for node_id, f, rule in problems
    ), problems


def test_unknown_variables_in_text_and_expressions() -> None:
    problems = error_rules(
        validate(
            graph(
                [
                    text("a", "Total {{vars.total}}"),
                    node("c", "condition", expression="vars.score > 3"),
                    node("e", "end"),
                ],
                [edge("a", "c"), edge("c", "e", "true"), edge("c", "e", "false")],
                variables=[{"name": "score", "type": "number"}],
            )
        )
    )
    assert problems == [
        (
            "a",
            "message.body",
            "unknown variable vars.total: declare it or set it in an earlier node",
        )
    ]


def test_invalid_expressions_and_templates_carry_positions() -> None:
    problems = error_rules(
        validate(
            graph(
                [
                    text("a", "Hi {{contact.name"),
                    node("c", "condition", expression="vars.x >"),
                    node("e", "end"),
                ],
                [edge("a", "c"), edge("c", "e", "true"), edge("c", "e", "false")],
                variables=[{"name": "x"}],
            )
        )
    )
    assert ("a", "message.body", "at 3: '{{' is never closed with '}}'") in problems
    [(_, field, rule)] = [p for p in problems if p[0] == "c"]
    assert field == "expression"
    assert rule.startswith("at ")


def test_trigger_rules() -> None:
    problems = error_rules(
        validate(
            graph(
                [node("e", "end")],
                [],
                triggers=[
                    {"kind": "keyword", "keywords": []},
                    {"kind": "keyword", "match": "regex", "keywords": ["(unclosed"]},
                    {"kind": "tag_added"},
                ],
            )
        )
    )
    fields = [field for _, field, _ in problems]
    assert fields == ["triggers[0].keywords", "triggers[1].keywords[0]", "triggers[2].tag"]
