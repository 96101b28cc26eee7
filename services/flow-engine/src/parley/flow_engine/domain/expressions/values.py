"""The values an expression computes with, and how data from the scope becomes one.

Numbers are `Decimal`, so `0.1 + 0.2 == 0.3` holds, as a flow author expects; dates are
timezone-aware datetimes (UTC when the data has no zone); lists are tuples.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import TypeAlias

from parley.flow_engine.domain.expressions.errors import OperationFailed

Value: TypeAlias = bool | Decimal | str | datetime | tuple["Value", ...] | None

_MAX_HOST_NESTING = 10  # lists inside lists in the scope; guards against self-containing lists


class ValueKind(Enum):
    NULL = "null"
    BOOLEAN = "true/false"
    NUMBER = "number"
    TEXT = "text"
    DATE = "date"
    LIST = "list"


def kind_of(value: Value) -> ValueKind:
    if value is None:
        return ValueKind.NULL
    if isinstance(value, bool):
        return ValueKind.BOOLEAN
    if isinstance(value, Decimal):
        return ValueKind.NUMBER
    if isinstance(value, str):
        return ValueKind.TEXT
    if isinstance(value, datetime):
        return ValueKind.DATE
    return ValueKind.LIST


def arithmetic() -> decimal.Context:
    """A fresh context per operation: the shared default one is mutable global state."""
    return decimal.Context(
        prec=28,
        rounding=decimal.ROUND_HALF_EVEN,
        traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
    )


def from_host(raw: object, depth: int = 0) -> Value:
    """Convert a value found in the scope; OperationFailed says why it cannot be used."""
    if raw is None or isinstance(raw, bool | str):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float | Decimal):
        number = Decimal(repr(raw)) if isinstance(raw, float) else raw
        if not number.is_finite():
            raise OperationFailed(f"holds {raw}, which is not a usable number")
        return number
    if isinstance(raw, datetime):
        return as_utc(raw)
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day, tzinfo=UTC)
    if isinstance(raw, Mapping):
        raise OperationFailed("is a group of fields, not a value: name one of its fields")
    if isinstance(raw, Sequence) and not isinstance(raw, bytes | bytearray):
        if depth >= _MAX_HOST_NESTING:
            raise OperationFailed(f"holds lists nested more than {_MAX_HOST_NESTING} deep")
        return tuple(from_host(item, depth + 1) for item in raw)
    raise OperationFailed(
        f"holds a value of type {type(raw).__name__}, which expressions cannot use"
    )


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise OperationFailed(f"date {moment.isoformat()} is out of range in UTC") from None


def equal(left: Value, right: Value) -> bool:
    """`==`: values of different kinds are unequal (so `1 == "1"` and `1 == true` are false)."""
    if kind_of(left) is not kind_of(right):
        return False
    if isinstance(left, tuple) and isinstance(right, tuple):
        return len(left) == len(right) and all(map(equal, left, right))
    return left == right


def compare(left: Value, right: Value, what: str) -> int:
    """-1, 0 or 1 for two numbers, two texts or two dates; OperationFailed for anything else."""
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return (left > right) - (left < right)
    if isinstance(left, str) and isinstance(right, str):
        return (left > right) - (left < right)
    if isinstance(left, datetime) and isinstance(right, datetime):
        return (left > right) - (left < right)
    raise OperationFailed(
        f"{what} cannot order {describe(left)} and {describe(right)}: "
        "only two numbers, two texts or two dates can be compared"
    )


def describe(value: Value) -> str:
    """How an error message names a value: its kind and the value itself, shortened."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return f"a list of {len(value)}"
    if isinstance(value, str):
        return "text " + repr(value if len(value) <= 20 else value[:17] + "...")
    shown = value.isoformat() if isinstance(value, datetime) else str(value)
    return f"{kind_of(value).value} {shown if len(shown) <= 32 else shown[:29] + '...'}"


def as_number(value: Value, what: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    raise OperationFailed(f"{what} needs a number, got {describe(value)}")


def as_text(value: Value, what: str) -> str:
    if isinstance(value, str):
        return value
    raise OperationFailed(f"{what} needs text, got {describe(value)}")
