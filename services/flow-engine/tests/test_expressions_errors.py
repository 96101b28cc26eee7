"""Invalid expressions are refused with the exact position and a reason a flow author can act on."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from parley.flow_engine.domain.expressions import (
    EvaluationError,
    ExpressionError,
    ExpressionProblem,
    check,
    evaluate,
    evaluate_bool,
    parse,
)

NOW = datetime(2024, 5, 15, 10, 30, tzinfo=UTC)

SYNTAX_ERRORS: list[tuple[str, int, str]] = [
    ("", 0, 'expression is empty: write a condition such as reply.text == "yes"'),
    ("   ", 0, 'expression is empty: write a condition such as reply.text == "yes"'),
    ('reply.text == "yes', 14, 'string is never closed: add the missing "'),
    ('"ends with a backslash \\', 0, 'string is never closed: add the missing "'),
    ("'\\q'", 1, "unknown escape; use \\\" \\' \\\\ \\n or \\t inside a string"),
    ("(1 + 2", 6, "expected ')' to close the '(' at 0, found the end of the expression"),
    ("(1 + 2))", 7, "unexpected ')': expected an operator or the end"),
    ("vars.a +", 8, "expected a value after '+', found the end of the expression"),
    ("vars.a and", 10, "expected a value after 'and', found the end of the expression"),
    ("* 3", 0, "expected a value, found '*'"),
    ("len(1,)", 6, "expected a value after ',', found ')'"),
    (
        "vars.a < vars.b < 3",
        16,
        "comparisons cannot be chained: join them with 'and', as in 'a < b and b < c'",
    ),
    (
        "1 == 1 == true",
        7,
        "comparisons cannot be chained: join them with 'and', as in 'a == b and b == c'",
    ),
    ("vars.a # 1", 7, "unexpected character '#'"),
    ("vars.a \x00", 7, "unexpected character U+0000"),
    ("vars.a = 1", 7, "unexpected character '='; use '==' to compare"),
    ("vars.a & vars.b", 7, "unexpected character '&'; use 'and' (or '&&')"),
    (
        "len(vars.a",
        10,
        "expected ',' or ')' to end the arguments of len(), found the end of the expression",
    ),
    (
        "[1, 2",
        5,
        "expected ',' or ']' to end the list opened at 0, found the end of the expression",
    ),
    ("vars", 0, "'vars' alone is not a value: name one of its fields, as in vars.score"),
    ("contact.", 8, "expected a field name after '.', found the end of the expression"),
    ("reply.2", 6, "expected a field name after '.', found '2'"),
    ("True", 0, "unknown name 'True': write true, false and null in lowercase"),
    ("now > 1", 0, "'now' is a function: call it with parentheses, as in now()"),
    (
        "age > 18",
        0,
        "unknown name 'age': a reference starts with vars., contact. or reply., as in vars.age",
    ),
    (
        "vars.a == not vars.b",
        10,
        "put 'not ...' in parentheses here: it applies to a whole comparison",
    ),
    ("1. + 2", 2, "expected a digit after the decimal point"),
    ("1 2", 2, "unexpected '2': expected an operator or the end"),
    ("vars.x(1)", 6, "unexpected '(': expected an operator or the end"),
    ("(" * 51 + "1" + ")" * 51, 50, "expression nests more than 50 levels deep; simplify it"),
    ("not " * 51 + "true", 200, "expression nests more than 50 levels deep; simplify it"),
    ("len(" * 51 + "1" + ")" * 51, 203, "expression nests more than 50 levels deep; simplify it"),
    (
        "1" + "+1" * 100,
        199,
        "expression has more than 200 parts; "
        "split it across several nodes or intermediate variables",
    ),
    ("1" * 2001, 2000, "expression is 2,001 characters long; the limit is 2,000"),
]


@pytest.mark.parametrize(("source", "position", "reason"), SYNTAX_ERRORS)
def test_parse_refuses_with_position_and_reason(source: str, position: int, reason: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    assert (caught.value.position, caught.value.reason) == (position, reason)
    assert str(caught.value) == f"at {position}: {reason}"
    assert check(source) == [ExpressionProblem(position, reason)]


def test_the_limits_are_inclusive() -> None:
    parse("(" * 50 + "1" + ")" * 50)
    parse("1" + "+1" * 99)  # 199 parts
    parse("1" * 2000)


CHECK_PROBLEMS: list[tuple[str, list[tuple[int, str]]]] = [
    ("vars.age > 18", []),
    (
        "lenght(vars.a) > 2",
        [(0, "unknown function 'lenght': did you mean len(text or list)?")],
    ),
    (
        "foo(vars.a)",
        [
            (
                0,
                "unknown function 'foo'; the functions are abs, add_days, coalesce, date, "
                "days_between, hour, is_empty, len, lower, max, min, normalize, now, number, "
                "round, trim, upper, weekday",
            )
        ],
    ),
    ("len(vars.a, vars.b)", [(0, "len(text or list) takes 1 argument, got 2")]),
    ("round() > 1", [(0, "round(number, digits?) takes 1 to 2 arguments, got 0")]),
    ("coalesce(vars.a)", [(0, "coalesce(a, b, ...) takes at least 2 arguments, got 1")]),
    (
        'reply.text matches "(a"',
        [(19, "invalid regular expression: missing ): (a")],
    ),
    (
        'reply.text matches "(a)\\\\1"',
        [(19, "invalid regular expression: invalid escape sequence: \\1")],
    ),
    (
        'reply.text matches "' + "a" * 501 + '"',
        [(19, "regular expression is 501 characters long; the limit is 500")],
    ),
    (
        '"a" > 3',
        [
            (
                4,
                "'>' cannot order text 'a' and number 3: "
                "only two numbers, two texts or two dates can be compared",
            )
        ],
    ),
    ("vars.a == 1 / 0", [(12, "division by zero in '/'")]),
    (
        'date("31/05/2024") < now()',
        [
            (
                5,
                "date() cannot read text '31/05/2024' as a date: "
                "write ISO 8601, as in 2024-05-31 or 2024-05-31T14:00:00Z",
            )
        ],
    ),
    ("lower(3) == vars.a", [(6, "lower(text) needs text as argument 1, got number 3")]),
    (
        "days_between(vars.a, 5)",
        [(21, "days_between(from, to) needs date or text as argument 2, got number 5")],
    ),
    (
        'lenn(vars.a) or vars.b matches "["',
        [
            (0, "unknown function 'lenn': did you mean len(text or list)?"),
            (31, "invalid regular expression: missing ]: ["),
        ],
    ),
]


@pytest.mark.parametrize(("source", "expected"), CHECK_PROBLEMS)
def test_check_finds_every_problem(source: str, expected: list[tuple[int, str]]) -> None:
    assert check(source) == [ExpressionProblem(p, r) for p, r in expected]


def test_check_reports_unknown_variables_only_when_told_the_known_ones() -> None:
    source = "vars.agee > 18 and vars.city == contact.fields.anything and reply.text != vars.age"
    assert check(source) == []
    assert check(source, known_variables=frozenset({"age", "city"})) == [
        ExpressionProblem(
            0,
            "unknown variable vars.agee: declare it or set it in an earlier node "
            "(did you mean vars.age?)",
        )
    ]
    assert [p.position for p in check(source, known_variables=frozenset())] == [0, 19, 74]


SCOPE: dict[str, object] = {
    "vars": {
        "text": "abc",
        "long": "a" * 10_001,
        "nan": float("nan"),
        "object": object(),
        "huge": Decimal("1e999999"),
        "wide": Decimal("1e40"),
        "many": Decimal("1234567890123456789012345678.91"),
    },
    "contact": {"fields": {"city": "Lisboa"}},
}

EVALUATION_ERRORS: list[tuple[str, int, str]] = [
    ("vars.text - 1", 10, "'-' needs two numbers, got text 'abc' and number 1"),
    (
        "vars.missing + 1",
        13,
        "'+' needs two numbers or two texts, got null and number 1 "
        "(an unset value is null: give a default with coalesce(x, 0))",
    ),
    ("5 % (2 - 2)", 2, "division by zero in '%'"),
    ('-"a"', 0, "'-' needs a number, got text 'a'"),
    ("not 1", 0, "'not' needs true or false, got number 1; compare it, as in x == \"yes\""),
    (
        "vars.text or true",
        10,
        "'or' needs true or false, got text 'abc'; compare it, as in x == \"yes\"",
    ),
    ("1 contains 1", 2, "'contains' needs a list or text to look in, got number 1"),
    ("vars.text contains 1", 10, "'contains' with text needs text, got number 1"),
    ("vars.text starts_with 1", 10, "'starts_with' needs text, got number 1"),
    (
        'vars.text matches vars.text + "("',
        10,
        "invalid regular expression: missing ): abc(",
    ),
    (
        'vars.long matches "a"',
        10,
        "text to match is 10,001 characters long; the limit is 10,000",
    ),
    ("vars.nan > 1", 0, "vars.nan holds nan, which is not a usable number"),
    (
        "vars.object == 1",
        0,
        "vars.object holds a value of type object, which expressions cannot use",
    ),
    (
        "contact.fields",
        0,
        "contact.fields is a group of fields, not a value: name one of its fields",
    ),
    ("vars.huge * 10", 10, "the result of '*' is too large"),
    ("vars.wide % 3", 10, "'%' cannot be computed for numbers this large"),
    (
        "round(vars.many, 1)",
        0,
        "round() cannot round 1234567890123456789012345678.91: it has too many digits",
    ),
    ("round(1.25, 1.5)", 12, "round() needs a whole number of digits from 0 to 20, got 1.5"),
    ("uper(1)", 0, "unknown function 'uper': did you mean upper(text)?"),
    ("len(1, 2)", 0, "len(text or list) takes 1 argument, got 2"),
    ("len(vars.text, 2)", 0, "len(text or list) takes 1 argument, got 2"),
    ("upper(vars.text + 1)", 16, "'+' needs two numbers or two texts, got text 'abc' and number 1"),
    ('number("1e5")', 7, "number() cannot read text '1e5' as a number"),
    (
        "max(1, vars.text)",
        0,
        "max() cannot order number 1 and text 'abc': "
        "only two numbers, two texts or two dates can be compared",
    ),
    (
        "add_days(now(), 10000000)",
        16,
        "add_days() cannot add 10000000 days: the date would not exist",
    ),
    (
        'add_days("9999-12-31", 1)',
        0,
        "add_days() goes outside the years 1 to 9999 from 9999-12-31",
    ),
    (
        'hour("tomorrow")',
        5,
        "hour() cannot read text 'tomorrow' as a date: "
        "write ISO 8601, as in 2024-05-31 or 2024-05-31T14:00:00Z",
    ),
    ("[1, vars.text - 1]", 14, "'-' needs two numbers, got text 'abc' and number 1"),
]


@pytest.mark.parametrize(("source", "position", "reason"), EVALUATION_ERRORS)
def test_evaluation_fails_with_position_and_reason(source: str, position: int, reason: str) -> None:
    with pytest.raises(EvaluationError) as caught:
        evaluate(parse(source), SCOPE, now=NOW)
    assert (caught.value.position, caught.value.reason) == (position, reason)
    assert str(caught.value) == f"at {position}: {reason}"


def test_a_condition_must_be_true_or_false() -> None:
    with pytest.raises(EvaluationError) as caught:
        evaluate_bool(parse("1 + 1"), SCOPE, now=NOW)
    assert caught.value.position == 2
    assert caught.value.reason.startswith("a condition needs true or false, got number 2")
