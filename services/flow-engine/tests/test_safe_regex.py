"""Patterns that make backtracking engines take exponential or polynomial time are harmless here."""

from __future__ import annotations

import time

import pytest

from parley.flow_engine.domain.safe_regex import UnsafePattern, pattern_problem, search


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"(a+)+$", "a" * 9_999 + "b"),
        (r"(a|a)*b", "a" * 9_999),
        (r"[0-9]+[0-9]+x", "1" * 10_000),
        (r"a*a*a*a*b", "a" * 10_000),
    ],
)
def test_catastrophic_patterns_match_in_linear_time(pattern: str, text: str) -> None:
    started = time.perf_counter()
    assert search(pattern, text) is False
    # Python's re takes seconds to forever on these; RE2 takes microseconds. A generous bound.
    assert time.perf_counter() - started < 0.5


def test_backtracking_only_constructs_are_refused_with_the_reason() -> None:
    assert pattern_problem(r"(a)\1") == "invalid regular expression: invalid escape sequence: \\1"
    assert pattern_problem(r"(?=x)a") == "invalid regular expression: invalid perl operator: (?="
    assert (
        pattern_problem("x" * 501) == "regular expression is 501 characters long; the limit is 500"
    )
    assert pattern_problem(r"^(hola|hello)\b") is None


def test_long_input_is_refused_not_matched() -> None:
    with pytest.raises(UnsafePattern, match="10,001 characters"):
        search("a", "a" * 10_001)
