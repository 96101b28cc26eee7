"""Static checks for flow validation: every problem found without data, each with a position.

Parts of an expression that use no reference and no now() have the same value for every contact,
so they are computed here: `"a" > 3`, `1 / 0` or `date("31/05/2024")` are refused before the flow
is published instead of failing for each contact later.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import UTC, datetime

from parley.flow_engine.domain.expressions import regex_guard
from parley.flow_engine.domain.expressions.ast import (
    Binary,
    BinaryOp,
    BooleanLiteral,
    Call,
    Expression,
    ListLiteral,
    Node,
    NullLiteral,
    NumberLiteral,
    Reference,
    StringLiteral,
    children,
    walk,
)
from parley.flow_engine.domain.expressions.errors import (
    EvaluationError,
    ExpressionError,
    ExpressionProblem,
)
from parley.flow_engine.domain.expressions.evaluate import evaluate
from parley.flow_engine.domain.expressions.functions import (
    REGISTRY,
    kinds_problem,
    unknown_function,
)
from parley.flow_engine.domain.expressions.parser import parse
from parley.flow_engine.domain.expressions.values import ValueKind, describe, kind_of

# Constant parts call no now(), so any moment gives the same result.
_ANY_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)


def check(source: str, *, known_variables: frozenset[str] | None = None) -> list[ExpressionProblem]:
    """All problems of `source`, by position; empty when it is valid.

    A syntax error is reported alone. With `known_variables` (flow variable names, without the
    `vars.` prefix), references to other `vars.*` are problems; contact and reply are open-ended.
    """
    try:
        expression = parse(source)
    except ExpressionError as error:
        return [ExpressionProblem(error.position, error.reason)]
    problems: list[ExpressionProblem] = []
    pending: list[Node] = [expression.root]
    while pending:
        node = pending.pop()
        if _is_constant(node):
            problems.extend(_fold(expression, node))
            continue
        problems.extend(_problems(node, known_variables))
        pending.extend(children(node))
    return sorted(problems, key=lambda problem: problem.position)


def referenced_names(expression: Expression) -> frozenset[str]:
    """Every dotted path the expression reads, such as "vars.age" or "contact.fields.city"."""
    return frozenset(node.name for node in walk(expression.root) if isinstance(node, Reference))


def _is_constant(node: Node) -> bool:
    return not any(
        isinstance(part, Reference) or (isinstance(part, Call) and part.function == "now")
        for part in walk(node)
    )


def _fold(expression: Expression, node: Node) -> Iterator[ExpressionProblem]:
    try:
        evaluate(Expression(expression.source, node), {}, now=_ANY_MOMENT)
    except EvaluationError as error:
        yield ExpressionProblem(error.position, error.reason)


def _problems(node: Node, known_variables: frozenset[str] | None) -> Iterator[ExpressionProblem]:
    if isinstance(node, Reference) and known_variables is not None and node.path[0] == "vars":
        name = node.path[1]
        if name not in known_variables:
            close = difflib.get_close_matches(name, sorted(known_variables), n=1)
            hint = f" (did you mean vars.{close[0]}?)" if close else ""
            yield ExpressionProblem(
                node.position,
                f"unknown variable vars.{name}: declare it or set it in an earlier node{hint}",
            )
    elif isinstance(node, Call):
        yield from _call_problems(node)
    elif (
        isinstance(node, Binary)
        and node.op is BinaryOp.MATCHES
        and isinstance(node.right, StringLiteral)
    ):
        reason = regex_guard.pattern_problem(node.right.value)
        if reason is not None:
            yield ExpressionProblem(node.right.position, reason)


def _call_problems(node: Call) -> Iterator[ExpressionProblem]:
    function = REGISTRY.get(node.function)
    if function is None:
        yield ExpressionProblem(node.position, unknown_function(node.function))
        return
    arity = function.arity_problem(len(node.args))
    if arity is not None:
        yield ExpressionProblem(node.position, arity)
        return
    for index, arg in enumerate(node.args):
        literal = _literal_kind(arg)
        if literal is not None:
            reason = kinds_problem(function, index, *literal)
            if reason is not None:
                yield ExpressionProblem(arg.position, reason)


def _literal_kind(node: Node) -> tuple[ValueKind, str] | None:
    """The kind of a literal argument, and how to show it; None for computed arguments."""
    if isinstance(node, NumberLiteral | StringLiteral | BooleanLiteral):
        return kind_of(node.value), describe(node.value)
    if isinstance(node, NullLiteral):
        return ValueKind.NULL, "null"
    if isinstance(node, ListLiteral):
        return ValueKind.LIST, "a list"
    return None
