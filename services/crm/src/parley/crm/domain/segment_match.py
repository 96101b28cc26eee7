"""Whether one contact matches a segment filter, evaluated in plain Python.

This is the reference meaning of a filter (documented in `parley.contracts.crm.segments`):
`adapters.segment_sql` says the same thing in SQL, and a property test holds the two to the
same answers on random contacts. It is written for clarity, not speed: crm evaluates segments
in Postgres.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TypeVar

from parley.contracts.crm.contacts import ContactView, FieldValue
from parley.contracts.crm.segments import (
    ConsentCondition,
    CreatedCondition,
    FieldCondition,
    LastInboundCondition,
    LifecycleCondition,
    SegmentFilter,
    TagCondition,
)

T = TypeVar("T", str, float)

_Leaf = (
    TagCondition
    | FieldCondition
    | ConsentCondition
    | LastInboundCondition
    | LifecycleCondition
    | CreatedCondition
)


def as_utc(moment: datetime) -> datetime:
    """A time without a zone is read as UTC (the contracts say so)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def matches(segment: SegmentFilter, contact: ContactView, now: datetime) -> bool:
    """Does `contact` belong to `segment` at `now`? An erased contact belongs to none."""
    if contact.erased:
        return False
    return _group(segment, contact, as_utc(now))


def _group(group: SegmentFilter, contact: ContactView, now: datetime) -> bool:
    results = (
        _group(c, contact, now) if isinstance(c, SegmentFilter) else _leaf(c, contact, now)
        for c in group.conditions
    )
    return all(results) if group.match == "all" else any(results)


def _leaf(condition: _Leaf, contact: ContactView, now: datetime) -> bool:
    if isinstance(condition, TagCondition):
        has = condition.tag in contact.tags
        return has if condition.op == "has" else not has
    if isinstance(condition, FieldCondition):
        return field_matches(condition, contact.fields.get(condition.key))
    if isinstance(condition, ConsentCondition):
        return contact.consent.state == condition.state
    if isinstance(condition, LastInboundCondition):
        last = contact.last_inbound_at
        if condition.op == "never":
            return last is None
        assert condition.days is not None  # the contract requires days for the other two ops
        within = last is not None and last >= now - timedelta(days=condition.days)
        return within if condition.op == "within_days" else not within
    if isinstance(condition, LifecycleCondition):
        return contact.stage in condition.stages
    at = as_utc(condition.at)
    return contact.created_at < at if condition.op == "before" else contact.created_at > at


def field_matches(condition: FieldCondition, stored: FieldValue | None) -> bool:
    """One field condition against the contact's value of that field (None: not set)."""
    op, value = condition.op, condition.value
    if op == "is_set":
        return stored is not None
    if op == "is_not_set":
        return stored is None
    if op == "neq":
        return not _equal(stored, value)
    if op == "eq":
        return _equal(stored, value)
    if op == "contains":
        return (
            isinstance(stored, str)
            and isinstance(value, str)
            and value.casefold() in stored.casefold()
        )
    return _ordered(op, stored, value)


def _equal(stored: FieldValue | None, value: FieldValue | None) -> bool:
    # bool is a subclass of int in Python, and True == 1.0: compare kinds first, as JSON does.
    if isinstance(value, bool) or isinstance(stored, bool):
        return isinstance(value, bool) and isinstance(stored, bool) and stored == value
    if isinstance(value, str):
        return isinstance(stored, str) and stored.casefold() == value.casefold()
    return isinstance(stored, float) and stored == value


def _ordered(op: str, stored: FieldValue | None, value: FieldValue | None) -> bool:
    # A number compares with numbers, a text with texts (code point order); booleans have no
    # order (crm refuses such a filter), and bool is no float, so they fall through to False.
    if isinstance(stored, str) and isinstance(value, str):
        return _compare(op, stored, value)
    if isinstance(stored, float) and isinstance(value, float):
        return _compare(op, stored, value)
    return False


def _compare(op: str, stored: T, value: T) -> bool:
    if op == "gt":
        return stored > value
    if op == "gte":
        return stored >= value
    if op == "lt":
        return stored < value
    return stored <= value
