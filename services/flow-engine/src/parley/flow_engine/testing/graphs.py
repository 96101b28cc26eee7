"""Builders of flow graphs for tests: terse, and valid unless a test breaks them."""

from __future__ import annotations

from typing import Any

from parley.contracts.flows.graph import FlowGraph


def node(node_id: str, node_type: str, **config: Any) -> dict[str, Any]:
    return {"id": node_id, "type": node_type, **config}


def text(node_id: str, body: str) -> dict[str, Any]:
    return node(node_id, "send_message", message={"kind": "text", "body": body})


def edge(source: str, target: str, port: str = "next") -> dict[str, Any]:
    return {"source": source, "port": port, "target": target}


def graph(
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    *,
    entry: str | None = None,
    variables: list[dict[str, Any]] | None = None,
    triggers: list[dict[str, Any]] | None = None,
) -> FlowGraph:
    return FlowGraph.model_validate(
        {
            "entry": nodes[0]["id"] if entry is None and nodes else (entry or ""),
            "nodes": nodes,
            "edges": edges,
            "variables": variables or [],
            "triggers": triggers
            if triggers is not None
            else [{"kind": "keyword", "keywords": ["hi"]}],
        }
    )


def welcome() -> FlowGraph:
    """Keyword → greet → ask → condition → one of two answers."""
    return graph(
        [
            text("greet", 'Hello {{contact.name | "there"}}!'),
            node(
                "ask",
                "wait_for_reply",
                save_to="age",
                validation={"kind": "number", "reprompt": "A number please"},
            ),
            node("adult", "condition", expression="number(vars.age) >= 18"),
            text("yes", "Welcome aboard"),
            text("no", "Come back at {{vars.age}} + a few"),
            node("bye", "end"),
        ],
        [
            edge("greet", "ask"),
            edge("ask", "adult", "reply"),
            edge("ask", "bye", "timeout"),
            edge("ask", "bye", "invalid"),
            edge("adult", "yes", "true"),
            edge("adult", "no", "false"),
            edge("yes", "bye"),
            edge("no", "bye"),
        ],
    )
