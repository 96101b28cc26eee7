"""What crm refuses in a segment filter, each problem with the path of the condition.

The contract already bounds a filter's shape (depth, count, a value where the op needs one);
these are the rules about values that need crm's knowledge or would silently match nothing: a
boolean compared by order, `contains` with a number, a number that is not finite, and (when
saving a segment) a field the workspace has not defined or a value of the wrong kind for it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import date

from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.queries import Problem
from parley.contracts.crm.segments import FieldCondition, SegmentFilter

_ORDERED = ("gt", "gte", "lt", "lte")
_KIND_OF_TYPE = {"text": str, "choice": str, "date": str, "number": float, "boolean": bool}
_KIND_NAME = {str: "a text", float: "a number", bool: "true or false"}


def filter_problems(
    segment: SegmentFilter,
    fields: Mapping[str, FieldDefinition] | None = None,
    *,
    path: str = "filter",
) -> list[Problem]:
    """Every problem of `segment`. With `fields` (the workspace's definitions), a field
    condition must name a defined field and carry a value of its type."""
    return list(_walk(segment, fields, path))


def _walk(
    group: SegmentFilter, fields: Mapping[str, FieldDefinition] | None, path: str
) -> Iterator[Problem]:
    for i, condition in enumerate(group.conditions):
        at = f"{path}.conditions[{i}]"
        if isinstance(condition, SegmentFilter):
            yield from _walk(condition, fields, at)
        elif isinstance(condition, FieldCondition):
            yield from _field(condition, fields, at)


def _field(
    condition: FieldCondition, fields: Mapping[str, FieldDefinition] | None, at: str
) -> Iterator[Problem]:
    value, op = condition.value, condition.op
    if isinstance(value, bool) and op not in ("eq", "neq"):
        yield Problem(field=f"{at}.value", rule=f"true/false supports only eq and neq, not {op}")
        return
    if op == "contains" and not isinstance(value, str):
        yield Problem(field=f"{at}.value", rule="contains needs a text value")
        return
    if isinstance(value, float) and not math.isfinite(value):
        yield Problem(field=f"{at}.value", rule="must be a finite number")
        return
    if fields is None:
        return
    definition = fields.get(condition.key)
    if definition is None:
        yield Problem(
            field=f"{at}.key",
            rule=f"no custom field {condition.key!r} is defined in this workspace",
        )
        return
    if value is None:
        return  # is_set / is_not_set fit every type
    kind = _KIND_OF_TYPE[definition.type]
    if not isinstance(value, kind) or (kind is float and isinstance(value, bool)):
        expected = _KIND_NAME[kind]
        yield Problem(
            field=f"{at}.value",
            rule=f"{condition.key} is a {definition.type} field: compare it with {expected}",
        )
        return
    # Dates are stored YYYY-MM-DD and order as text: another spelling would silently mismatch.
    if definition.type == "date" and op in (*_ORDERED, "eq", "neq") and not _is_date(value):
        yield Problem(field=f"{at}.value", rule="must be a date written YYYY-MM-DD")


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False
