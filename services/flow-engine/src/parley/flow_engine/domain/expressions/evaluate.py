"""Computing an expression against a scope, deterministically.

The clock comes in as `now`, recorded by the engine as an event, so replaying an execution gives
the same answers; nothing here reads the clock, draws random numbers or does I/O. `and` and `or`
short-circuit: `false and 1 / 0 > 1` is false, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from parley.flow_engine.domain.expressions import functions, operators
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
    Unary,
    UnaryOp,
)
from parley.flow_engine.domain.expressions.errors import EvaluationError, OperationFailed
from parley.flow_engine.domain.expressions.values import Value, as_utc, from_host


def evaluate(expression: Expression, scope: Mapping[str, object], *, now: datetime) -> Value:
    """The value of `expression`; `scope` maps "vars", "contact" and "reply" to nested mappings.

    Raises EvaluationError, with the position of the operator, call or reference at fault.
    A naive `now` is taken as UTC.
    """
    try:
        moment = as_utc(now)
    except OperationFailed as error:
        raise EvaluationError(0, f"now: {error.reason}") from None
    return _Evaluator(scope, moment).value(expression.root)


def evaluate_bool(expression: Expression, scope: Mapping[str, object], *, now: datetime) -> bool:
    """The outcome of a condition: true or false; null (an unset flag) counts as false."""
    result = evaluate(expression, scope, now=now)
    try:
        return operators.truth(result, "a condition")
    except OperationFailed as error:
        raise EvaluationError(expression.root.position, error.reason) from None


class _Evaluator:
    def __init__(self, scope: Mapping[str, object], now: datetime) -> None:
        self._scope = scope
        self._now = now

    def value(self, node: Node) -> Value:
        try:
            return self._compute(node)
        except OperationFailed as error:
            position = node.position
            if isinstance(node, Call) and error.argument is not None:
                position = node.args[error.argument].position
            raise EvaluationError(position, error.reason) from None

    def _compute(self, node: Node) -> Value:
        if isinstance(node, NumberLiteral | StringLiteral | BooleanLiteral):
            return node.value
        if isinstance(node, NullLiteral):
            return None
        if isinstance(node, ListLiteral):
            return tuple(self.value(item) for item in node.items)
        if isinstance(node, Reference):
            return self._reference(node)
        if isinstance(node, Unary):
            operand = self.value(node.operand)
            if node.op is UnaryOp.NOT:
                return not operators.truth(operand, "'not'")
            return operators.negate(operand)
        if isinstance(node, Binary):
            return self._binary(node)
        return self._call(node)

    def _binary(self, node: Binary) -> Value:
        left = self.value(node.left)
        if node.op is BinaryOp.AND and not operators.truth(left, "'and'"):
            return False
        if node.op is BinaryOp.OR and operators.truth(left, "'or'"):
            return True
        return operators.apply(node.op, left, self.value(node.right))

    def _reference(self, node: Reference) -> Value:
        """An unset path, or one that runs through something other than a mapping, is null."""
        current: object = self._scope
        for key in node.path:
            if not isinstance(current, Mapping):
                return None
            current = current.get(key)
        try:
            return from_host(current)
        except OperationFailed as error:
            raise OperationFailed(f"{node.name} {error.reason}") from None

    def _call(self, node: Call) -> Value:
        function = functions.REGISTRY.get(node.function)
        if function is None:
            raise OperationFailed(functions.unknown_function(node.function))
        args = tuple(self.value(arg) for arg in node.args)
        return functions.call(function, args, self._now)
