"""The function registry: each function's name, parameters, accepted kinds and implementation.

Validation uses the declared arity and kinds to reject `len(1, 2)` or `lower(3)` before a flow is
published; evaluation checks the same declarations, so implementations get the kinds they expect.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from parley.flow_engine.domain.expressions import dates, library
from parley.flow_engine.domain.expressions.errors import OperationFailed
from parley.flow_engine.domain.expressions.values import Value, ValueKind, describe, kind_of

Implementation = Callable[[tuple[Value, ...], datetime], Value]

ANY = frozenset(ValueKind)
TEXT = frozenset({ValueKind.TEXT})
NUMBER = frozenset({ValueKind.NUMBER})
DATE = frozenset({ValueKind.DATE, ValueKind.TEXT})  # text is read as ISO 8601
TEXT_OR_LIST = frozenset({ValueKind.TEXT, ValueKind.LIST, ValueKind.NULL})
ORDERED = frozenset({ValueKind.NUMBER, ValueKind.TEXT, ValueKind.DATE})


@dataclass(frozen=True)
class Function:
    signature: str  # as shown to flow authors, e.g. "round(number, digits?)"
    params: tuple[frozenset[ValueKind], ...]
    run: Implementation
    optional: int = 0  # how many trailing parameters may be left out
    variadic: bool = False  # the last parameter may repeat
    null_in_null_out: bool = True  # a null argument gives null, as lower(unset) is unset

    @property
    def name(self) -> str:
        return self.signature.partition("(")[0]

    def arity_problem(self, count: int) -> str | None:
        least = len(self.params) - self.optional
        most = None if self.variadic else len(self.params)
        if count >= least and (most is None or count <= most):
            return None
        if most is None:
            wanted = f"at least {least}"
        elif least == most:
            wanted = str(least)
        else:
            wanted = f"{least} to {most}"
        plural = "" if wanted == "1" else "s"
        return f"{self.signature} takes {wanted} argument{plural}, got {count}"

    def accepted(self, index: int) -> frozenset[ValueKind]:
        return self.params[min(index, len(self.params) - 1)]


def _fn(signature: str, params: tuple[frozenset[ValueKind], ...], run: Implementation) -> Function:
    return Function(signature, params, run)


REGISTRY: dict[str, Function] = {
    f.name: f
    for f in (
        Function("len(text or list)", (TEXT_OR_LIST,), library.length, null_in_null_out=False),
        _fn("lower(text)", (TEXT,), library.lower),
        _fn("upper(text)", (TEXT,), library.upper),
        _fn("trim(text)", (TEXT,), library.trim),
        _fn("normalize(text)", (TEXT,), library.normalize),
        _fn("number(text)", (TEXT | NUMBER,), library.number),
        Function("round(number, digits?)", (NUMBER, NUMBER), library.round_number, optional=1),
        _fn("abs(number)", (NUMBER,), library.absolute),
        _fn("min(a, b)", (ORDERED, ORDERED), library.minimum),
        _fn("max(a, b)", (ORDERED, ORDERED), library.maximum),
        _fn("now()", (), dates.current),
        _fn("date(text)", (DATE,), dates.date),
        _fn("days_between(from, to)", (DATE, DATE), dates.days_between),
        _fn("add_days(date, days)", (DATE, NUMBER), dates.add_days),
        _fn("hour(date)", (DATE,), dates.hour),
        _fn("weekday(date)", (DATE,), dates.weekday),
        Function("is_empty(value)", (ANY,), library.is_empty, null_in_null_out=False),
        Function(
            "coalesce(a, b, ...)",
            (ANY, ANY),
            library.coalesce,
            variadic=True,
            null_in_null_out=False,
        ),
    )
}


def unknown_function(name: str) -> str:
    close = difflib.get_close_matches(name, REGISTRY, n=1)
    if close:
        return f"unknown function '{name}': did you mean {REGISTRY[close[0]].signature}?"
    return f"unknown function '{name}'; the functions are {', '.join(sorted(REGISTRY))}"


def kinds_problem(function: Function, index: int, kind: ValueKind, shown: str) -> str | None:
    """Why an argument of this kind cannot be passed at `index`, or None if it can."""
    accepted = function.accepted(index)
    if kind in accepted or (kind is ValueKind.NULL and function.null_in_null_out):
        return None
    names = " or ".join(sorted(k.value for k in accepted - {ValueKind.NULL}))
    return f"{function.signature} needs {names} as argument {index + 1}, got {shown}"


def call(function: Function, args: tuple[Value, ...], now: datetime) -> Value:
    problem = function.arity_problem(len(args))
    if problem is not None:
        raise OperationFailed(problem)
    if function.null_in_null_out and any(arg is None for arg in args):
        return None
    for index, arg in enumerate(args):
        mismatch = kinds_problem(function, index, kind_of(arg), describe(arg))
        if mismatch is not None:
            raise OperationFailed(mismatch, argument=index)
    return function.run(args, now)
