"""The meaning of a segment filter, case by case, on the brute-force evaluator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from parley.contracts.crm.contacts import Consent, ContactView
from parley.contracts.crm.segments import SegmentFilter
from parley.crm.domain.segment_match import matches

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def contact(**over: Any) -> ContactView:
    base: dict[str, Any] = {"contact_id": "c-1", "created_at": NOW, "updated_at": NOW}
    return ContactView.model_validate({**base, **over})


def one(condition: dict[str, Any], match: str = "all") -> SegmentFilter:
    return SegmentFilter.model_validate({"match": match, "conditions": [condition]})


def field(op: str, value: Any = None, key: str = "city") -> SegmentFilter:
    body: dict[str, Any] = {"kind": "field", "key": key, "op": op}
    if value is not None:
        body["value"] = value
    return one(body)


@pytest.mark.parametrize(
    ("stored", "op", "value", "expected"),
    [
        ("Lisboa", "eq", "LISBOA", True),
        ("straße", "eq", "STRASSE", True),  # full case folding, not just lower()
        ("ΌΣΟΣ", "eq", "όσος", True),  # final sigma folds like any sigma
        ("Lisboa", "neq", "lisboa", False),
        ("Lisboa", "contains", "SBO", True),
        ("Lisboa", "contains", "", True),
        ("10", "eq", 10.0, False),  # a text is not a number
        (10.0, "eq", "10", False),
        (1.0, "eq", True, False),  # nor is a number a boolean, though Python says 1 == True
        (True, "eq", 1.0, False),
        (True, "eq", True, True),
        (True, "neq", False, True),
        (-0.0, "eq", 0.0, True),
        (2.5, "gt", 2.0, True),
        (2.5, "gte", 2.5, True),
        (2.5, "lt", 2.5, False),
        (2.5, "gt", "2", False),  # a text value compares with texts only
        ("2024-01-05", "gt", "2023-12-31", True),  # ISO dates order as dates
        ("B", "gt", "a", False),  # code point order: upper case sorts first
        ("10", "lt", "9", True),  # texts compare as texts, never as numbers
        (True, "gt", False, False),  # booleans have no order
        (5.0, "contains", "5", False),
        ("x", "is_set", None, True),
        ("x", "is_not_set", None, False),
    ],
)
def test_field_conditions(stored: Any, op: str, value: Any, expected: bool) -> None:
    assert matches(field(op, value), contact(fields={"city": stored}), NOW) is expected


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("eq", "x", False),
        ("neq", "x", True),
        ("contains", "", False),
        ("gt", 1.0, False),
        ("lte", "z", False),
        ("is_set", None, False),
        ("is_not_set", None, True),
    ],
)
def test_a_contact_without_the_field_matches_only_is_not_set_and_neq(
    op: str, value: Any, expected: bool
) -> None:
    assert matches(field(op, value), contact(), NOW) is expected


def test_tags_compare_as_written() -> None:
    vip = contact(tags=("vip",))
    assert matches(one({"kind": "tag", "tag": "vip"}), vip, NOW)
    assert not matches(one({"kind": "tag", "tag": "VIP"}), vip, NOW)
    assert matches(one({"kind": "tag", "op": "has_not", "tag": "VIP"}), vip, NOW)


def test_last_inbound_window_includes_its_boundary() -> None:
    within = one({"kind": "last_inbound", "op": "within_days", "days": 7})
    outside = one({"kind": "last_inbound", "op": "not_within_days", "days": 7})
    never = one({"kind": "last_inbound", "op": "never"})
    edge = contact(last_inbound_at=NOW - timedelta(days=7))
    older = contact(last_inbound_at=NOW - timedelta(days=7, microseconds=1))
    silent = contact()
    assert [matches(within, c, NOW) for c in (edge, older, silent)] == [True, False, False]
    assert [matches(outside, c, NOW) for c in (edge, older, silent)] == [False, True, True]
    assert [matches(never, c, NOW) for c in (edge, older, silent)] == [False, False, True]


def test_created_before_and_after_are_strict_and_naive_times_are_utc() -> None:
    at = NOW.replace(tzinfo=None).isoformat()
    assert not matches(one({"kind": "created", "op": "before", "at": at}), contact(), NOW)
    assert not matches(one({"kind": "created", "op": "after", "at": at}), contact(), NOW)
    earlier = contact(created_at=NOW - timedelta(seconds=1))
    assert matches(one({"kind": "created", "op": "before", "at": at}), earlier, NOW)


def test_consent_and_lifecycle() -> None:
    opted = contact(consent=Consent(state="opted_in"), stage="lead")
    assert matches(one({"kind": "consent", "state": "opted_in"}), opted, NOW)
    assert not matches(one({"kind": "consent", "state": "unknown"}), opted, NOW)
    assert matches(one({"kind": "lifecycle", "stages": ["customer", "lead"]}), opted, NOW)
    assert not matches(one({"kind": "lifecycle", "stages": ["customer"]}), opted, NOW)


def test_empty_groups_and_erased_contacts() -> None:
    everyone, no_one = SegmentFilter(), SegmentFilter(match="any")
    assert matches(everyone, contact(), NOW)
    assert not matches(no_one, contact(), NOW)
    assert not matches(everyone, contact(erased=True), NOW)


def test_nested_groups() -> None:
    vip_or_recent_lead = SegmentFilter.model_validate(
        {
            "match": "any",
            "conditions": [
                {"kind": "tag", "tag": "vip"},
                {
                    "kind": "group",
                    "conditions": [
                        {"kind": "lifecycle", "stages": ["lead"]},
                        {"kind": "last_inbound", "op": "within_days", "days": 7},
                    ],
                },
            ],
        }
    )
    recent = NOW - timedelta(days=1)
    assert matches(vip_or_recent_lead, contact(tags=("vip",)), NOW)
    assert matches(vip_or_recent_lead, contact(stage="lead", last_inbound_at=recent), NOW)
    assert not matches(vip_or_recent_lead, contact(stage="lead"), NOW)
    assert not matches(vip_or_recent_lead, contact(last_inbound_at=recent), NOW)
