"""The pure part of an import: mapping checks and one CSV row to a contact or its errors."""

from __future__ import annotations

import pytest

from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.imports import RowError
from parley.contracts.crm.queries import Problem
from parley.crm.domain.import_rows import ImportPlan, MappingRefused, plan_import, read_row

FIELDS = {
    "plan": FieldDefinition(key="plan", label="Plan", type="choice", choices=("Free", "Pro")),
    "spend": FieldDefinition(key="spend", label="Spend", type="number"),
    "renews": FieldDefinition(key="renews", label="Renews", type="date"),
}
HEADER = ["Mobile", "Name", "Plan", "Spend", "Labels", "Stage", "Agreed", "Notes"]
MAPPING = {
    "Mobile": "phone",
    "Name": "name",
    "Plan": "field:plan",
    "Spend": "field:spend",
    "Labels": "tags",
    "Stage": "stage",
    "Agreed": "opted_in",
    "Notes": "ignore",
}


def _plan(**overrides: object) -> ImportPlan:
    options: dict[str, object] = {"consent_source": "shop form", "tags": ("Imported",)}
    options.update(overrides)
    return plan_import(HEADER, MAPPING, FIELDS, **options)  # type: ignore[arg-type]


def _problems(header: list[str], mapping: dict[str, str], **options: str) -> set[Problem]:
    with pytest.raises(MappingRefused) as refused:
        plan_import(header, mapping, FIELDS, **options)
    return set(refused.value.problems)


def test_a_good_mapping_keeps_the_mapped_columns_in_file_order() -> None:
    plan = _plan()
    assert [(c.index, c.target) for c in plan.columns] == [
        (0, "phone"),
        (1, "name"),
        (2, "plan"),
        (3, "spend"),
        (4, "tags"),
        (5, "stage"),
        (6, "opted_in"),
    ]
    assert plan.width == 8
    assert plan.tags == ("imported",)


def test_every_mapping_problem_is_named_at_once() -> None:
    problems = _problems(
        ["Mobile", "Name", "Name2", "X"],
        {
            "Phone number": "phone",  # not a column
            "Name": "nickname",  # unknown target
            "Name2": "field:colour",  # undefined field
            "X": "opted_in",  # without consent_source
        },
    )
    fields = {p.field for p in problems}
    assert fields == {
        "mapping.Phone number",
        "mapping.Name",
        "mapping.Name2",
        "mapping",
        "consent_source",
    }
    rules = {p.field: p.rule for p in problems}
    assert "not a column" in rules["mapping.Phone number"]
    assert "unknown target 'nickname'" in rules["mapping.Name"]
    assert "'colour'" in rules["mapping.Name2"]
    assert "not defined" in rules["mapping.Name2"]
    assert "phone or user_id" in rules["mapping"]


def test_a_target_filled_twice_a_duplicate_header_and_a_bad_region_are_refused() -> None:
    problems = _problems(
        ["A", "B", "B"], {"A": "phone", "B": "phone"}, default_region="XX", consent_source=""
    )
    fields = {p.field for p in problems}
    assert fields == {"file.header.B", "mapping.B", "default_region"}


def test_headers_match_trimmed_and_then_ignoring_case() -> None:
    plan = plan_import([" Phone ", "NAME"], {"phone": "phone", "Name": "name"}, {})
    assert [(c.header, c.target) for c in plan.columns] == [("Phone", "phone"), ("NAME", "name")]


def test_a_good_row_becomes_a_contact() -> None:
    plan = _plan(default_region="PT")
    read = read_row(
        plan, 7, ["912 345 678", " Ana ", "pro", "12,5", "VIP; news,VIP", "Lead", "yes", "x"]
    )
    assert read is not None
    assert not read.errors
    assert read.contact is not None
    contact = read.contact
    assert contact.phone == "+351912345678"
    assert read.key == "+351912345678"
    assert contact.name == "Ana"
    assert contact.fields == {"plan": "Pro", "spend": 12.5}
    assert contact.tags == ("imported", "vip", "news")
    assert contact.stage == "lead"
    assert read.opted_in is True


def test_empty_cells_set_nothing() -> None:
    read = read_row(_plan(), 1, ["+351912345678", "", "", "", "", "", "", ""])
    assert read is not None
    assert read.contact is not None
    assert read.contact.name is None
    assert read.contact.fields == {}
    assert read.contact.stage is None
    assert read.opted_in is False


def test_each_bad_cell_is_reported_with_its_column_and_rule() -> None:
    read = read_row(
        _plan(), 3, ["+35191234", "Ana", "Gold", "lots", "ok", "boss", "maybe", "whatever"]
    )
    assert read is not None
    assert read.contact is None
    by_column = {e.column: e for e in read.errors}
    assert set(by_column) == {"Mobile", "Plan", "Spend", "Stage", "Agreed"}
    assert all(e.row == 3 for e in read.errors)
    assert "valid number" in by_column["Mobile"].reason or "digits" in by_column["Mobile"].reason
    assert by_column["Plan"].reason == "must be one of: Free, Pro"
    assert by_column["Spend"].reason == "must be a number"
    assert by_column["Stage"].reason.startswith("must be one of: new, lead")
    assert by_column["Agreed"].reason == "must be yes or no (true/false, 1/0)"
    # the value itself is never quoted: the report outlives an erasure
    assert all("Gold" not in e.reason and "boss" not in e.reason for e in read.errors)


def test_a_row_without_phone_or_user_id_names_the_key_column() -> None:
    read = read_row(_plan(), 9, ["", "Ana", "", "", "", "", "", ""])
    assert read is not None
    assert read.errors == (
        RowError(
            row=9, column="Mobile", reason="is empty: each row needs a phone number or a user id"
        ),
    )


def test_a_number_without_country_needs_the_default_region() -> None:
    read = read_row(_plan(), 2, ["912 345 678", "", "", "", "", "", "", ""])
    assert read is not None
    assert [e.column for e in read.errors] == ["Mobile"]
    assert "country code" in read.errors[0].reason


def test_blank_lines_are_no_rows_and_short_rows_are_rejected_whole() -> None:
    assert read_row(_plan(), 4, ["", " ", "", "", "", "", "", ""]) is None
    assert read_row(_plan(), 4, []) is None
    read = read_row(_plan(), 5, ["+351912345678", "Ana"])
    assert read is not None
    assert read.errors == (RowError(row=5, column="", reason="has 2 cells where the header has 8"),)


def test_a_user_id_contact_and_language_and_time_zone_checks() -> None:
    plan = plan_import(
        ["uid", "lang", "tz"], {"uid": "user_id", "lang": "language", "tz": "time_zone"}, {}
    )
    good = read_row(plan, 1, ["ana.bsuid", "pt-BR", "Europe/Lisbon"])
    assert good is not None
    assert good.contact is not None
    assert (good.key, good.contact.language, good.contact.time_zone) == (
        "ana.bsuid",
        "pt-BR",
        "Europe/Lisbon",
    )
    bad = read_row(plan, 2, ["ana", "portuguese!", "Mars/Olympus"])
    assert bad is not None
    assert [e.column for e in bad.errors] == ["lang", "tz"]
