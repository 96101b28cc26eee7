"""Text, number and general functions. Arguments arrive already checked against the registry.

`==` stays exact; lower() and normalize() let the flow author choose how loosely to compare,
as in `normalize(reply.text) == "si"` accepting "Sí" and "SI".
"""

from __future__ import annotations

import decimal
import re
import unicodedata
from datetime import datetime
from decimal import Decimal

from parley.flow_engine.domain.expressions.errors import OperationFailed
from parley.flow_engine.domain.expressions.values import (
    Value,
    arithmetic,
    as_number,
    as_text,
    compare,
    describe,
)

_NUMBER_TEXT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_MAX_ROUND_DIGITS = 20


def length(args: tuple[Value, ...], now: datetime) -> Value:
    """len(): characters of a text, items of a list; an unset value has none."""
    value = args[0]
    if value is None:
        return Decimal(0)
    if isinstance(value, str | tuple):
        return Decimal(len(value))
    raise OperationFailed(f"len() needs text or a list, got {describe(value)}", argument=0)


def lower(args: tuple[Value, ...], now: datetime) -> Value:
    return as_text(args[0], "lower()").lower()


def upper(args: tuple[Value, ...], now: datetime) -> Value:
    return as_text(args[0], "upper()").upper()


def trim(args: tuple[Value, ...], now: datetime) -> Value:
    return as_text(args[0], "trim()").strip()


def normalize(args: tuple[Value, ...], now: datetime) -> Value:
    """Case-folded, accents removed: "Ação" and "acao" normalize alike."""
    decomposed = unicodedata.normalize("NFKD", as_text(args[0], "normalize()").casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare)


def number(args: tuple[Value, ...], now: datetime) -> Value:
    """number(): a number from text such as " 42 " or "-3.5"; no exponents, no thousands marks."""
    value = args[0]
    if isinstance(value, Decimal):
        return value
    text = as_text(value, "number()").strip()
    if not _NUMBER_TEXT.fullmatch(text):
        raise OperationFailed(f"number() cannot read {describe(value)} as a number", argument=0)
    return Decimal(text)


def round_number(args: tuple[Value, ...], now: datetime) -> Value:
    """round(n) or round(n, digits): halves round away from zero, as people expect (2.5 → 3)."""
    value = as_number(args[0], "round()")
    digits = as_number(args[1], "round()") if len(args) > 1 else Decimal(0)
    if not (0 <= digits <= _MAX_ROUND_DIGITS) or digits != digits.to_integral_value(
        context=arithmetic()
    ):
        raise OperationFailed(
            f"round() needs a whole number of digits from 0 to {_MAX_ROUND_DIGITS}, got {digits}",
            argument=1,
        )
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -int(digits):
        return value  # already has no more decimals than asked for
    try:
        return value.quantize(Decimal(1).scaleb(-int(digits)), decimal.ROUND_HALF_UP, arithmetic())
    except decimal.InvalidOperation:
        raise OperationFailed(f"round() cannot round {value}: it has too many digits") from None


def absolute(args: tuple[Value, ...], now: datetime) -> Value:
    return as_number(args[0], "abs()").copy_abs()


def minimum(args: tuple[Value, ...], now: datetime) -> Value:
    return args[1] if compare(args[0], args[1], "min()") > 0 else args[0]


def maximum(args: tuple[Value, ...], now: datetime) -> Value:
    return args[1] if compare(args[0], args[1], "max()") < 0 else args[0]


def is_empty(args: tuple[Value, ...], now: datetime) -> Value:
    """True for null, "" and []; spaces count as content, so trim() first to ignore them."""
    return args[0] is None or args[0] == "" or args[0] == ()


def coalesce(args: tuple[Value, ...], now: datetime) -> Value:
    """The first argument that is not null, as in coalesce(vars.count, 0)."""
    return next((arg for arg in args if arg is not None), None)
