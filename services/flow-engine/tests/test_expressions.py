"""The expression language evaluated: every operator and function, precedence, nulls and dates.

The clock is fixed: NOW is Wednesday 2024-05-15 10:30 UTC.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from parley.flow_engine.domain.expressions import (
    Value,
    evaluate,
    evaluate_bool,
    parse,
    referenced_names,
)
from parley.flow_engine.domain.expressions.ast import Binary, BinaryOp, NumberLiteral, Reference

NOW = datetime(2024, 5, 15, 10, 30, tzinfo=UTC)
D = Decimal

SCOPE: dict[str, object] = {
    "vars": {
        "age": 20,
        "score": 3.5,
        "zero": 0,
        "name": "Ana",
        "flag": True,
        "off": False,
        "big": 10**30,
        "signup": date(2024, 5, 1),
        "naive": datetime(2024, 5, 14, 23, 0),
        "when": "2024-05-10T08:00:00+02:00",
        "nested": {"deep": {"value": 7}},
        "in": "keyword as a field name",
    },
    "contact": {
        "name": "Ana Lúcia",
        "tags": ["vip", "Lisboa"],
        "fields": {"city": "São Paulo", "signup": "2024-05-01"},
    },
    "reply": {"text": "  Sí, quiero ", "button_id": "confirm"},
}


def run(source: str) -> Value:
    return evaluate(parse(source), SCOPE, now=NOW)


LITERALS_AND_REFERENCES: list[tuple[str, Value]] = [
    ("42", D(42)),
    ("3.50", D("3.50")),
    ('"say \\"hi\\""', 'say "hi"'),
    ("'it\\'s'", "it's"),
    ('"a\\tb\\nc\\\\"', "a\tb\nc\\"),
    ("'single \"inside\"'", 'single "inside"'),
    ("true", True),
    ("false", False),
    ("null", None),
    ('[1, "a", null]', (D(1), "a", None)),
    ("[]", ()),
    ("vars.age", D(20)),
    ("vars.score", D("3.5")),
    ("vars.missing", None),
    ("vars.name.first", None),  # through a text: unset, not a crash
    ("vars.nested.deep.value", D(7)),
    ("vars.in", "keyword as a field name"),
    ("contact.fields.city", "São Paulo"),
    ("contact.tags", ("vip", "Lisboa")),
    ("reply.button_id", "confirm"),
    ("vars.signup", datetime(2024, 5, 1, tzinfo=UTC)),
    ("vars.naive", datetime(2024, 5, 14, 23, 0, tzinfo=UTC)),
    ("vars.big", D(10**30)),
]

ARITHMETIC: list[tuple[str, Value]] = [
    ("1 + 2 * 3", D(7)),
    ("(1 + 2) * 3", D(9)),
    ("10 - 4 - 3", D(3)),
    ("12 / 4 / 3", D(1)),
    ("7 % 3", D(1)),
    ("-7 % 3", D(-1)),  # the remainder takes the sign of the left operand
    ("-2 * 3", D(-6)),
    ("- -2", D(2)),
    ("-vars.age + 1", D(-19)),
    ("0.1 + 0.2", D("0.3")),
    ("1 / 3", D("0.3333333333333333333333333333")),
    ("vars.age * vars.score", D("70.0")),
    ('"a" + "b"', "ab"),
    ('contact.name + "!"', "Ana Lúcia!"),
]

COMPARISONS: list[tuple[str, Value]] = [
    ("vars.age == 20", True),
    ("vars.age != 20", False),
    ("vars.age < 21", True),
    ("vars.age <= 20", True),
    ("vars.age > 20", False),
    ("vars.age >= 20", True),
    ("1 == 1.0", True),
    ('1 == "1"', False),
    ("1 == true", False),
    ("0 == false", False),
    ("null == null", True),
    ("vars.missing == null", True),
    ("vars.missing != 0", True),
    ("[1, 2] == [1, 2.00]", True),
    ("[1, 2] == [2, 1]", False),
    ('"a" < "b"', True),
    ('"Sí" == "si"', False),  # == is exact; normalize() is the author's choice
    ('date("2024-01-01") < now()', True),
    ("vars.signup == date(contact.fields.signup)", True),
    ("vars.missing < 3", False),  # null is neither under nor over anything
    ("vars.missing >= 3", False),
    ('reply.text contains "quiero"', True),
    ('reply.text contains "Quiero"', False),
    ('contact.tags contains "vip"', True),
    ('contact.tags contains "VIP"', False),
    ('vars.missing contains "a"', False),
    ('reply.text starts_with "  Sí"', True),
    ('reply.text ends_with "quiero"', False),
    ('reply.text matches "^\\\\s*s[ií]"', False),
    ('reply.text matches "^\\\\s*S[ií]"', True),
    ('reply.text matches "(?i)QUIERO"', True),
    ('vars.missing matches "x"', False),
    ('"vip" in contact.tags', True),
    ('"ip" in "vip"', True),
    ('"x" not in contact.tags', True),
    ('"vip" not in contact.tags', False),
    ("null in [1, null]", True),
    ("3 in vars.missing", False),
    ("3 in [1, 3.0]", True),
]

LOGIC_AND_PRECEDENCE: list[tuple[str, Value]] = [
    ("true and false", False),
    ("true or false", True),
    ("not true", False),
    ("!false", True),
    ("true && !false", True),
    ("false || true", True),
    ("vars.missing and true", False),  # an unset flag is false
    ("not vars.missing", True),
    ("false and 1 / 0 > 1", False),  # short-circuit
    ("true or 1 / 0 > 1", True),
    ("not 1 == 2", True),  # not applies to the whole comparison
    ("!1 == 2", True),
    ("true or false and false", True),  # and binds tighter than or
    ("(true or false) and false", False),
    ("not false and false", False),
    ("1 + 2 == 3 and 2 * 2 == 4", True),
    ("-2 * -3 == 6", True),
    ("(1 < 2) == true", True),
    ('vars.age > 18 and contact.fields.city == "São Paulo" or vars.off', True),
]

FUNCTIONS: list[tuple[str, Value]] = [
    ('len("héllo")', D(5)),
    ("len(contact.tags)", D(2)),
    ("len(vars.missing)", D(0)),
    ("len([])", D(0)),
    ('lower("ÁB")', "áb"),
    ('upper("ab")', "AB"),
    ('trim("  a b  ")', "a b"),
    ('normalize("Ação Ñ")', "acao n"),
    ('normalize(trim(reply.text)) starts_with "si"', True),
    ('normalize("Straße") == "strasse"', True),
    ('number("42")', D(42)),
    ('number(" -3.5 ")', D("-3.5")),
    ("number(7)", D(7)),
    ("round(2.5)", D(3)),
    ("round(-2.5)", D(-3)),
    ("round(2.345, 2)", D("2.35")),
    ("round(1 / 3, 4)", D("0.3333")),
    ("round(vars.big)", D(10**30)),
    ("abs(-3)", D(3)),
    ("min(3, 1)", D(1)),
    ("max(3, 1)", D(3)),
    ('min("b", "a")', "a"),
    ('max(date("2024-01-01"), now())', NOW),
    ("now()", NOW),
    ('date("2024-05-31")', datetime(2024, 5, 31, tzinfo=UTC)),
    ('date("2024-05-31T14:00:00Z")', datetime(2024, 5, 31, 14, tzinfo=UTC)),
    ('date("2024-05-31T14:00:00+02:00")', datetime(2024, 5, 31, 12, tzinfo=UTC)),
    ('date("2024-05-31T14:00:00")', datetime(2024, 5, 31, 14, tzinfo=UTC)),
    ("days_between(contact.fields.signup, now())", D(14)),
    ('days_between(now(), "2024-05-01")', D(-14)),
    ("days_between(now(), add_days(now(), -0.5))", D(0)),  # whole days, toward zero
    ('add_days("2024-02-28", 1)', datetime(2024, 2, 29, tzinfo=UTC)),
    ("add_days(now(), 0.5)", NOW + timedelta(hours=12)),
    ("hour(now())", D(10)),
    ("hour(vars.when)", D(6)),  # in UTC
    ("weekday(now())", D(3)),
    ('weekday("2024-05-19")', D(7)),
    ("is_empty(null)", True),
    ('is_empty("")', True),
    ("is_empty([])", True),
    ('is_empty(" ")', False),
    ("is_empty(0)", False),
    ("coalesce(vars.missing, 5)", D(5)),
    ('coalesce(null, null, "x")', "x"),
    ("coalesce(null, null)", None),
    ("lower(vars.missing)", None),  # null in, null out
    ("days_between(vars.missing, now())", None),
]


@pytest.mark.parametrize(
    ("source", "expected"),
    LITERALS_AND_REFERENCES + ARITHMETIC + COMPARISONS + LOGIC_AND_PRECEDENCE + FUNCTIONS,
)
def test_evaluates(source: str, expected: Value) -> None:
    result = run(source)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [("vars.flag", True), ("vars.off", False), ("vars.missing", False), ("vars.age > 1", True)],
)
def test_evaluate_bool(source: str, expected: bool) -> None:
    assert evaluate_bool(parse(source), SCOPE, now=NOW) is expected


def test_now_is_the_one_passed_in() -> None:
    expression = parse("days_between(vars.signup, now())")
    later = NOW + timedelta(days=30)
    assert evaluate(expression, SCOPE, now=NOW) == D(14)
    assert evaluate(expression, SCOPE, now=later) == D(44)


def test_a_naive_now_is_utc_and_an_offset_now_is_converted() -> None:
    assert run("now()") == evaluate(parse("now()"), SCOPE, now=NOW.replace(tzinfo=None))
    shifted = NOW.astimezone(timezone(timedelta(hours=-3)))
    assert evaluate(parse("hour(now())"), SCOPE, now=shifted) == D(10)


def test_trees_are_equal_whatever_the_spacing_and_aliases() -> None:
    assert parse("1+2*3").root == parse(" 1 +  2 * 3 ").root
    assert (
        parse("vars.a && !vars.b || vars.c").root == parse("vars.a and not vars.b or vars.c").root
    )
    assert parse("(vars.a)").root == parse("vars.a").root


def test_the_tree_records_positions_and_is_immutable() -> None:
    expression = parse("vars.age >= 18")
    assert expression.source == "vars.age >= 18"
    root = expression.root
    assert root == Binary(BinaryOp.GE, Reference(("vars", "age")), NumberLiteral(D(18)))
    assert isinstance(root, Binary)
    assert (root.position, root.left.position, root.right.position) == (9, 0, 12)
    with pytest.raises(dataclasses.FrozenInstanceError):
        root.op = BinaryOp.LT  # type: ignore[misc]


def test_referenced_names() -> None:
    expression = parse(
        "vars.age > 1 and contact.fields.city == reply.text or len(contact.tags) > vars.age"
    )
    assert referenced_names(expression) == {
        "vars.age",
        "contact.fields.city",
        "reply.text",
        "contact.tags",
    }
    assert referenced_names(parse("1 + 2")) == frozenset()
