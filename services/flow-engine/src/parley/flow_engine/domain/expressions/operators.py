"""What each operator does with two values. Positions are added by the evaluator.

Null (an unset reference) never crashes a condition: ordering comparisons and text operators with
null are false, because a contact without an age is neither over nor under 18. Arithmetic with
null is an error instead, since no number is a sensible answer; the message suggests coalesce().

Texts order by Unicode code point ("B" < "a"); `%` keeps the sign of the left operand (-7 % 3 is
-1), as Decimal does. `matches` searches anywhere in the text: anchor with ^ and $, and write
(?i) for a case-insensitive pattern.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal

from parley.flow_engine.domain.expressions import regex_guard
from parley.flow_engine.domain.expressions.ast import BinaryOp
from parley.flow_engine.domain.expressions.errors import OperationFailed
from parley.flow_engine.domain.expressions.values import (
    Value,
    arithmetic,
    as_text,
    compare,
    describe,
    equal,
)

_ORDERINGS: dict[BinaryOp, Callable[[int], bool]] = {
    BinaryOp.LT: lambda order: order < 0,
    BinaryOp.LE: lambda order: order <= 0,
    BinaryOp.GT: lambda order: order > 0,
    BinaryOp.GE: lambda order: order >= 0,
}


def truth(value: Value, what: str) -> bool:
    """The operand of `and`, `or`, `not` and the result of a condition; an unset flag is false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise OperationFailed(
        f'{what} needs true or false, got {describe(value)}; compare it, as in x == "yes"'
    )


def negate(value: Value) -> Value:
    if isinstance(value, Decimal):
        return arithmetic().minus(value)
    raise OperationFailed(f"'-' needs a number, got {describe(value)}{_null_hint(value)}")


def apply(op: BinaryOp, left: Value, right: Value) -> Value:
    """Both operands already computed: the evaluator short-circuits `and` and `or` itself."""
    if op is BinaryOp.AND:
        return truth(left, "'and'") and truth(right, "'and'")
    if op is BinaryOp.OR:
        return truth(left, "'or'") or truth(right, "'or'")
    if op is BinaryOp.EQ:
        return equal(left, right)
    if op is BinaryOp.NE:
        return not equal(left, right)
    ordering = _ORDERINGS.get(op)
    if ordering is not None:
        return (
            left is not None
            and right is not None
            and ordering(compare(left, right, f"'{op.value}'"))
        )
    if op is BinaryOp.IN:
        return _contains(right, left, "in")
    if op is BinaryOp.NOT_IN:
        return not _contains(right, left, "not in")
    if op is BinaryOp.CONTAINS:
        return _contains(left, right, "contains")
    if op in (BinaryOp.STARTS_WITH, BinaryOp.ENDS_WITH, BinaryOp.MATCHES):
        return _text_test(op, left, right)
    return _arithmetic(op, left, right)


def _contains(container: Value, item: Value, symbol: str) -> bool:
    if isinstance(container, tuple):
        return any(equal(member, item) for member in container)
    if container is None:
        return False
    if isinstance(container, str):
        return item is not None and as_text(item, f"'{symbol}' with text") in container
    raise OperationFailed(f"'{symbol}' needs a list or text to look in, got {describe(container)}")


def _text_test(op: BinaryOp, left: Value, right: Value) -> bool:
    if left is None or right is None:
        return False
    what = f"'{op.value}'"
    text, other = as_text(left, what), as_text(right, what)
    if op is BinaryOp.STARTS_WITH:
        return text.startswith(other)
    if op is BinaryOp.ENDS_WITH:
        return text.endswith(other)
    return regex_guard.search(other, text)


def _arithmetic(op: BinaryOp, left: Value, right: Value) -> Value:
    if op is BinaryOp.ADD and isinstance(left, str) and isinstance(right, str):
        return left + right
    if not (isinstance(left, Decimal) and isinstance(right, Decimal)):
        wanted = "two numbers or two texts" if op is BinaryOp.ADD else "two numbers"
        hint = _null_hint(left) or _null_hint(right)
        raise OperationFailed(
            f"'{op.value}' needs {wanted}, got {describe(left)} and {describe(right)}{hint}"
        )
    if op in (BinaryOp.DIVIDE, BinaryOp.REMAINDER) and right.is_zero():
        raise OperationFailed(f"division by zero in '{op.value}'")
    context = arithmetic()
    try:
        if op is BinaryOp.ADD:
            return context.add(left, right)
        if op is BinaryOp.SUBTRACT:
            return context.subtract(left, right)
        if op is BinaryOp.MULTIPLY:
            return context.multiply(left, right)
        if op is BinaryOp.DIVIDE:
            return context.divide(left, right)
        return context.remainder(left, right)
    except decimal.Overflow:
        raise OperationFailed(f"the result of '{op.value}' is too large") from None
    except decimal.InvalidOperation:
        raise OperationFailed(f"'{op.value}' cannot be computed for numbers this large") from None


def _null_hint(value: Value) -> str:
    if value is None:
        return " (an unset value is null: give a default with coalesce(x, 0))"
    return ""
