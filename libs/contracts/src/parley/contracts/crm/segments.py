"""Segment filters: a saved, nameable condition tree over contacts.

A filter is a group (`all` or `any` of its conditions); a condition is about tags, a custom field,
consent, the last inbound message, the lifecycle stage, or when the contact was created. Groups
nest (three levels at most), so "customers tagged vip, or leads who wrote this week" is one
filter. Relative conditions (`within_days`) are evaluated against the time the query gives.
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
    kind: Literal["tag"] = "tag"
    op: Literal["has", "has_not"] = "has"
    tag: str = Field(min_length=1, max_length=64)


FieldOp = Literal["eq", "neq", "contains", "gt", "gte", "lt", "lte", "is_set", "is_not_set"]


class FieldCondition(_Condition):
    """`gt`/`lt` compare numbers and dates; `contains` is a case-insensitive part of a text;
    `eq` on a text is case-insensitive. A contact without the field matches only `is_not_set`
    and `neq`."""

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
    kind: Literal["consent"] = "consent"
    state: ConsentState


class LastInboundCondition(_Condition):
    """`within_days`: wrote in the last N days; `not_within_days`: did not (or never);
    `never`: never wrote."""

    kind: Literal["last_inbound"] = "last_inbound"
    op: Literal["within_days", "not_within_days", "never"]
    days: int | None = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _days_given(self) -> LastInboundCondition:
        if (self.op == "never") != (self.days is None):
            raise ValueError("days: required for within_days/not_within_days, empty for never")
        return self


class LifecycleCondition(_Condition):
    kind: Literal["lifecycle"] = "lifecycle"
    stages: tuple[LifecycleStage, ...] = Field(min_length=1)


class CreatedCondition(_Condition):
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
