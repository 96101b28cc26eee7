"""Flow validation: every problem at once, each with the node, the field and the rule.

Errors block publishing; warnings are shown in the builder but do not. Pure: the graph in, a list
of problems out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from parley.contracts.flows.graph import (
    ButtonPayloadTrigger,
    FlowGraph,
    KeywordTrigger,
    TagAddedTrigger,
    Trigger,
)
from parley.contracts.flows.nodes import (
    ConditionNode,
    HttpRequestNode,
    JumpNode,
    Node,
    SetVariableNode,
)
from parley.flow_engine.domain import expressions, safe_regex, templates
from parley.flow_engine.domain.graph_analysis import cycles_without_pause, reachable, successors
from parley.flow_engine.domain.node_fields import assigned_names, missing_fields, text_fields

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    node_id: str | None  # None: the flow as a whole
    field: str
    rule: str
    severity: Severity = "error"


def validate(graph: FlowGraph) -> list[Problem]:
    return [
        *_entry(graph),
        *_edges(graph),
        *_nodes(graph),
        *_reachability(graph),
        *_cycles(graph),
        *_variables(graph),
        *_triggers(graph),
    ]


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _entry(graph: FlowGraph) -> Iterator[Problem]:
    if not graph.nodes:
        yield Problem(None, "nodes", "a flow needs at least one node")
    elif not graph.entry:
        yield Problem(None, "entry", "required: choose the node executions start at")
    elif graph.node(graph.entry) is None:
        yield Problem(None, "entry", f"names no node of this flow ({graph.entry!r})")


def _edges(graph: FlowGraph) -> Iterator[Problem]:
    connected: set[tuple[str, str]] = set()
    for index, edge in enumerate(graph.edges):
        field = f"edges[{index}]"
        source = graph.node(edge.source)
        if source is None:
            yield Problem(None, field, f"dangling edge: source node {edge.source!r} does not exist")
            continue
        if graph.node(edge.target) is None:
            yield Problem(
                edge.source, field, f"dangling edge: target node {edge.target!r} does not exist"
            )
        if edge.port not in source.ports():
            ports = ", ".join(source.ports()) or "none"
            yield Problem(
                edge.source,
                field,
                f"a {source.type} node has no port {edge.port!r} (its ports: {ports})",
            )
        if (edge.source, edge.port) in connected:
            yield Problem(edge.source, field, f"port {edge.port!r} is connected more than once")
        connected.add((edge.source, edge.port))
    for node in graph.nodes:
        for port in node.ports():
            if (node.id, port) not in connected:
                yield Problem(
                    node.id,
                    f"ports.{port}",
                    f"port {port!r} is not connected: the execution ends there",
                    "warning",
                )


def _nodes(graph: FlowGraph) -> Iterator[Problem]:
    for node in graph.nodes:
        for field, rule in missing_fields(node):
            yield Problem(node.id, field, rule)
        for field, text in text_fields(node):
            try:
                templates.parse(text)
            except templates.TemplateError as err:
                yield Problem(node.id, field, str(err))
        if isinstance(node, ConditionNode | SetVariableNode) and node.expression:
            for problem in expressions.check(node.expression):
                yield Problem(node.id, "expression", f"at {problem.position}: {problem.reason}")
        if isinstance(node, JumpNode) and node.target_node and graph.node(node.target_node) is None:
            yield Problem(
                node.id, "target_node", f"names no node of this flow ({node.target_node!r})"
            )
        if isinstance(node, HttpRequestNode) and node.url and not _http_url(node.url):
            yield Problem(node.id, "url", "must start with http:// or https://")


def _http_url(url: str) -> bool:
    # The URL may start with a placeholder that renders the scheme; allow that.
    return url.startswith(("http://", "https://", "{{"))


def _reachability(graph: FlowGraph) -> Iterator[Problem]:
    if graph.node(graph.entry) is None:
        return
    seen = reachable(graph, graph.entry)
    for node in graph.nodes:
        if node.id not in seen:
            yield Problem(node.id, "node", "unreachable: no path leads here from the entry node")


def _cycles(graph: FlowGraph) -> Iterator[Problem]:
    for cycle in cycles_without_pause(graph):
        path = " → ".join([*cycle, cycle[0]])
        yield Problem(
            cycle[0],
            "edges",
            f"cycle {path} has no Wait for reply, Delay or Handover: it would loop without pause",
        )


def assigned_variables(graph: FlowGraph) -> frozenset[str]:
    names = {v.name for v in graph.variables}
    for node in graph.nodes:
        names.update(assigned_names(node))
    return frozenset(names)


def _variables(graph: FlowGraph) -> Iterator[Problem]:
    known = assigned_variables(graph)
    for node in graph.nodes:
        for field, names in _references(node):
            for name in sorted(names):
                root, _, rest = name.partition(".")
                variable = rest.split(".")[0]
                if root == "vars" and variable not in known:
                    yield Problem(
                        node.id,
                        field,
                        f"unknown variable vars.{variable}: "
                        "declare it or set it in an earlier node",
                    )


def _references(node: Node) -> Iterator[tuple[str, frozenset[str]]]:
    for field, text in text_fields(node):
        try:
            yield field, templates.referenced_names(text)
        except templates.TemplateError:
            continue  # already reported as a template problem
    if isinstance(node, ConditionNode | SetVariableNode) and node.expression:
        try:
            yield "expression", expressions.referenced_names(expressions.parse(node.expression))
        except expressions.ExpressionError:
            return  # already reported


def _triggers(graph: FlowGraph) -> Iterator[Problem]:
    if not graph.triggers:
        yield Problem(
            None,
            "triggers",
            "no trigger: nothing starts this flow except a Jump from another flow; "
            "add a keyword, API or campaign trigger",
            "warning",
        )
    for index, trigger in enumerate(graph.triggers):
        yield from _trigger(index, trigger)


def _trigger(index: int, trigger: Trigger) -> Iterator[Problem]:
    field = f"triggers[{index}]"
    if isinstance(trigger, KeywordTrigger):
        if not trigger.keywords:
            yield Problem(None, f"{field}.keywords", "required: at least one keyword")
        if trigger.match == "regex":
            for k, pattern in enumerate(trigger.keywords):
                problem = safe_regex.pattern_problem(pattern)
                if problem is not None:
                    yield Problem(None, f"{field}.keywords[{k}]", problem)
    elif isinstance(trigger, ButtonPayloadTrigger) and not trigger.payloads:
        yield Problem(None, f"{field}.payloads", "required: at least one button payload")
    elif isinstance(trigger, TagAddedTrigger) and not trigger.tag:
        yield Problem(None, f"{field}.tag", "required: the tag that starts the flow")


__all__ = ["Problem", "assigned_variables", "errors", "successors", "validate"]
