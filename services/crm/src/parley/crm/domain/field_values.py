"""Typed custom field values: what a text, number, date, boolean or choice field accepts.

Values arrive typed from the API (JSON) and as text from CSV files and flows; `coerce` takes
either and returns the stored value, or raises InvalidValue with the rule it broke.
"""

from __future__ import annotations

import math
from datetime import date

from parley.contracts.crm.contacts import FieldValue
from parley.contracts.crm.fields import FieldDefinition

MAX_TEXT = 1000
_TRUE = frozenset({"true", "yes", "y", "1", "sim", "si", "oui", "ja"})
_FALSE = frozenset({"false", "no", "n", "0", "nao", "não", "non", "nein"})


class InvalidValue(ValueError):
    pass


def coerce(definition: FieldDefinition, value: FieldValue) -> FieldValue:
    kind = definition.type
    if kind == "text":
        text = value if isinstance(value, str) else _plain(value)
        if len(text) > MAX_TEXT:
            raise InvalidValue(f"must be at most {MAX_TEXT} characters")
        return text
    if kind == "number":
        return _number(value)
    if kind == "date":
        return _date(value)
    if kind == "boolean":
        return _boolean(value)
    return _choice(definition, value)


def _plain(value: FieldValue) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: FieldValue) -> float:
    if isinstance(value, bool):
        raise InvalidValue("must be a number, not true/false")
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))  # "12,5" as written in much of Europe
        except ValueError:
            raise InvalidValue("must be a number") from None
    number = float(value)
    if not math.isfinite(number):
        raise InvalidValue("must be a finite number")
    return number


def _date(value: FieldValue) -> str:
    if not isinstance(value, str):
        raise InvalidValue("must be a date written YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise InvalidValue("must be a date written YYYY-MM-DD") from None


def _boolean(value: FieldValue) -> bool:
    if isinstance(value, bool):
        return value
    word = _plain(value).strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise InvalidValue("must be true or false (yes/no, 1/0)")


def _choice(definition: FieldDefinition, value: FieldValue) -> str:
    text = _plain(value).strip()
    for choice in definition.choices:
        if choice.casefold() == text.casefold():
            return choice  # as defined, whatever the case it was written in
    raise InvalidValue("must be one of: " + ", ".join(definition.choices))
