"""Segment filters: a saved, nameable condition tree over contacts.

A filter is a group (`all` or `any` of its conditions); a condition is about tags, a custom field,
consent, the last inbound message, the lifecycle stage, or when the contact was created. Groups
nest (three levels at most), so "customers tagged vip, or leads who wrote this week" is one
filter. Relative conditions (`within_days`) are evaluated against the time the query gives.

Semantics (crm evaluates a filter in Postgres and, identically, in plain Python; a property test
holds the two to the same answers):

- A group of `all` is AND (an empty one matches every contact), `any` is OR (an empty one matches
  none). Erased contacts match no filter at all, not even the empty one.
- Every condition is true or false for every contact, never "unknown": `neq`, `has_not` and
  `not_within_days` are exactly the negation of `eq`, `has` and `within_days`.
- Times without a time zone are read as UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.contracts.crm.contacts import ConsentState, FieldValue, LifecycleStage

MAX_DEPTH = 3
MAX_CONDITIONS = 50


class _Condition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TagCondition(_Condition):
    """`has`: the contact carries exactly this tag (tags compare as written, case and all);
    `has_not`: it does not."""

    kind: Literal["tag"] = "tag"
    op: Literal["has", "has_not"] = "has"
    tag: str = Field(min_length=1, max_length=64)


FieldOp = Literal["eq", "neq", "contains", "gt", "gte", "lt", "lte", "is_set", "is_not_set"]


class FieldCondition(_Condition):
    """A condition on one custom field, by its key.

    - `eq`: a text `value` equals a stored text ignoring case (Unicode full case folding, so
      "STRASSE" equals "straße"); a number equals a stored number; a boolean a stored boolean.
      Values of different kinds are never equal (the number 1 is not the text "1" nor true).
    - `neq`: not `eq`, so also true when the contact lacks the field or holds another kind.
    - `contains`: a text `value` is part of a stored text, ignoring case as `eq` does.
    - `gt`, `gte`, `lt`, `lte`: a number `value` compares with stored numbers only; a text
      `value` compares with stored texts only, character by character in Unicode code point
      order (case-sensitive; ISO dates such as 2026-05-01 so compare as dates).
    - `is_set` / `is_not_set`: the contact holds / lacks a value for the field.

    A contact without the field matches only `is_not_set` and `neq`. crm refuses a filter whose
    `value` does not fit (`contains` and the order comparisons with a boolean, `contains` with a
    number, a number that is not finite) and one naming a field the workspace has not defined,
    with the field path of the condition (`filter.conditions[0].value`)."""

    kind: Literal["field"] = "field"
    key: str = Field(min_length=1, max_length=40)
    op: FieldOp
    value: FieldValue | None = None

    @model_validator(mode="after")
    def _value_given(self) -> FieldCondition:
        if self.op in ("is_set", "is_not_set"):
            if self.value is not None:
                raise ValueError(f"value: must be empty for op {self.op}")
        elif self.value is None:
            raise ValueError(f"value: is required for op {self.op}")
        return self


class ConsentCondition(_Condition):
    """The contact's current consent state (unknown: no opt-in evidence and no opt-out)."""

    kind: Literal["consent"] = "consent"
    state: ConsentState


class LastInboundCondition(_Condition):
    """`within_days`: the last inbound message is at or after `now - days`; `not_within_days`:
    it is older, or the contact never wrote; `never`: the contact never wrote."""

    kind: Literal["last_inbound"] = "last_inbound"
    op: Literal["within_days", "not_within_days", "never"]
    days: int | None = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _days_given(self) -> LastInboundCondition:
        if (self.op == "never") != (self.days is None):
            raise ValueError("days: required for within_days/not_within_days, empty for never")
        return self


class LifecycleCondition(_Condition):
    """The contact's stage is one of `stages`."""

    kind: Literal["lifecycle"] = "lifecycle"
    stages: tuple[LifecycleStage, ...] = Field(min_length=1)


class CreatedCondition(_Condition):
    """Created strictly before / strictly after `at`."""

    kind: Literal["created"] = "created"
    op: Literal["before", "after"]
    at: datetime


Condition = Annotated[
    Union[
        TagCondition,
        FieldCondition,
        ConsentCondition,
        LastInboundCondition,
        LifecycleCondition,
        CreatedCondition,
        "SegmentFilter",
    ],
    Field(discriminator="kind"),
]


class SegmentFilter(_Condition):
    """A group: `all` (AND) or `any` (OR) of its conditions. An empty `all` matches everyone."""

    kind: Literal["group"] = "group"
    match: Literal["all", "any"] = "all"
    conditions: tuple[Condition, ...] = Field(default=(), max_length=MAX_CONDITIONS)

    @model_validator(mode="after")
    def _bounded(self) -> SegmentFilter:
        if _depth(self) > MAX_DEPTH:
            raise ValueError(f"conditions: groups nest at most {MAX_DEPTH} levels deep")
        if _count(self) > MAX_CONDITIONS:
            raise ValueError(f"conditions: at most {MAX_CONDITIONS} conditions in all")
        return self


def _depth(group: SegmentFilter) -> int:
    inner = [_depth(c) for c in group.conditions if isinstance(c, SegmentFilter)]
    return 1 + max(inner, default=0)


def _count(group: SegmentFilter) -> int:
    return sum(_count(c) if isinstance(c, SegmentFilter) else 1 for c in group.conditions)


SegmentFilter.model_rebuild()

EVERYONE = SegmentFilter()
