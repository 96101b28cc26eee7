"""A segment filter as a SQL condition over `contacts LEFT JOIN contact_activity`.

Says in Postgres exactly what `domain.segment_match.matches` says in Python (a property test
compares the two on random contacts). Every value travels as a bound parameter. Where an index
can answer, the condition takes the indexed form: `tags @> ARRAY[tag]` (GIN on tags), and
`fields @> {"key": value}` (GIN jsonb_path_ops on fields) for number and boolean equality.

Three things make SQL agree with Python:
- NULL: a missing field or activity row makes many expressions NULL, and NOT NULL is NULL, so
  every leaf is made two-valued (COALESCE to false) before anything can negate it;
- case: `casefold(... COLLATE pg_unicode_fast)` (PostgreSQL 18) is Unicode full case folding,
  the same as Python's `str.casefold`, whatever the database's own locale;
- order: texts compare `COLLATE "C"`, which for UTF-8 is code point order, as Python does.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from parley.contracts.crm.contacts import FieldValue
from parley.contracts.crm.segments import (
    ConsentCondition,
    CreatedCondition,
    FieldCondition,
    LastInboundCondition,
    LifecycleCondition,
    SegmentFilter,
    TagCondition,
)
from parley.crm.adapters.tables import contact_activity, contacts
from parley.crm.domain.segment_match import as_utc

# Full Unicode case folding, built into PostgreSQL 18 (no ICU needed).
_FOLDING = "pg_unicode_fast"
_ORDER = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}

Where = ColumnElement[bool]
_Leaf = (
    TagCondition
    | FieldCondition
    | ConsentCondition
    | LastInboundCondition
    | LifecycleCondition
    | CreatedCondition
)


def audience(workspace_id: str, segment: SegmentFilter, now: datetime) -> Where:
    """The contacts of `workspace_id` that `segment` selects at `now`: the full WHERE clause of a
    select from `contact_rows.CONTACTS_WITH_ACTIVITY` (erased contacts are never selected)."""
    return sa.and_(
        contacts.c.workspace_id == workspace_id,
        contacts.c.erased.is_(sa.false()),
        segment_where(segment, now),
    )


def segment_where(segment: SegmentFilter, now: datetime) -> Where:
    """The filter alone (no workspace, no erasure test): true or false for every row, never
    NULL. Raises ValueError for a number that is not finite (crm refuses those filters)."""
    return _group(segment, as_utc(now))


def _group(group: SegmentFilter, now: datetime) -> Where:
    parts = [
        _group(c, now) if isinstance(c, SegmentFilter) else _leaf(c, now) for c in group.conditions
    ]
    if group.match == "all":
        return sa.and_(sa.true(), *parts) if parts else sa.true()
    return sa.or_(sa.false(), *parts) if parts else sa.false()


def _leaf(condition: _Leaf, now: datetime) -> Where:
    if isinstance(condition, TagCondition):
        has = contacts.c.tags.contains([condition.tag])
        return has if condition.op == "has" else sa.not_(has)
    if isinstance(condition, FieldCondition):
        return field_where(condition)
    if isinstance(condition, ConsentCondition):
        return contacts.c.consent_state == condition.state
    if isinstance(condition, LastInboundCondition):
        last = contact_activity.c.last_inbound_at  # NULL: no activity row, never wrote
        if condition.op == "never":
            return last.is_(None)
        assert condition.days is not None  # the contract requires days for the other two ops
        within = _definite(last >= now - timedelta(days=condition.days))
        return within if condition.op == "within_days" else sa.not_(within)
    if isinstance(condition, LifecycleCondition):
        return contacts.c.stage.in_(list(condition.stages))
    if isinstance(condition, CreatedCondition):
        at = as_utc(condition.at)
        created = contacts.c.created_at
        return created < at if condition.op == "before" else created > at
    raise TypeError(f"not a segment condition: {condition!r}")  # the union is closed


def field_where(condition: FieldCondition) -> Where:
    op, value = condition.op, condition.value
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"value: {value} is not a finite number")
    stored = _stored(condition.key)
    present: Where = contacts.c.fields.has_key(condition.key)
    if op in ("is_set", "is_not_set"):
        return present if op == "is_set" else sa.not_(present)
    if op in ("eq", "neq"):
        equal = _equal(condition.key, value)
        return equal if op == "eq" else sa.not_(equal)
    if op == "contains":
        if not isinstance(value, str):
            return sa.false()
        text = _stored_text(condition.key)
        part = sa.func.strpos(_folded(text), _folded(sa.literal(value, sa.Text))) > 0
        return _definite(_is_kind(stored, "string") & part)
    if isinstance(value, bool) or value is None:
        return sa.false()  # booleans have no order
    if isinstance(value, str):
        text = _stored_text(condition.key).collate("C")
        compared = text.op(_ORDER[op], is_comparison=True)(sa.literal(value, sa.Text))
        return _definite(_is_kind(stored, "string") & compared)
    # JSONB numbers compare as numerics: no cast that could fail on a row of another kind.
    number = stored.op(_ORDER[op], is_comparison=True)(_json(value))
    return _definite(_is_kind(stored, "number") & number)


def _equal(key: str, value: FieldValue | None) -> Where:
    """Two-valued equality. Numbers and booleans by containment, which the GIN index of
    `fields` answers (jsonb equality of numbers is numeric: 1.0 contains 1); texts folded."""
    if value is None:
        return sa.false()
    if not isinstance(value, str):
        return contacts.c.fields.contains(_json({key: value}))
    same = _folded(_stored_text(key)) == _folded(sa.literal(value, sa.Text))
    return _definite(_is_kind(_stored(key), "string") & same)


def _stored(key: str) -> Any:
    """`fields -> key`, a JSONB value (NULL when the contact lacks the field)."""
    return contacts.c.fields.op("->", return_type=JSONB)(sa.literal(key, sa.Text))


def _stored_text(key: str) -> Any:
    """`fields ->> key`: the value as text (NULL when the contact lacks the field)."""
    return contacts.c.fields.op("->>", return_type=sa.Text)(sa.literal(key, sa.Text))


def _is_kind(stored: Any, kind: str) -> Where:
    return sa.func.jsonb_typeof(stored) == kind


def _folded(text: Any) -> Any:
    return sa.func.casefold(text.collate(_FOLDING))


def _json(value: Any) -> Any:
    return sa.literal(value, JSONB)


def _definite(condition: Where) -> Where:
    """NULL (a missing field, no activity row) as false, so NOT of it is true."""
    return sa.func.coalesce(condition, sa.false())
