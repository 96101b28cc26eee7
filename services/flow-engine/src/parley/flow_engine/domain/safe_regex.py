"""Regular expressions written by flow authors (`matches` in conditions, regex keyword triggers).

They run on every inbound message of a business, so a pattern that backtracks badly would stall
the engine for everyone: Python's `re` can take seconds on `(a+)+$` or `a*a*a*b` over a few
thousand characters, and it cannot be interrupted. RE2 matches in time linear in the input, so
no pattern is dangerous; it refuses the few constructs that need backtracking (backreferences,
lookaround) with a message we pass on. Length caps keep memory and error messages small.
"""

from __future__ import annotations

import functools

import re2

MAX_PATTERN_LENGTH = 500
MAX_INPUT_LENGTH = 10_000

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print every refused pattern to stderr


class UnsafePattern(ValueError):
    """The pattern or the text cannot be matched safely; the message says which rule."""


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be used, or None when it can."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return (
            f"regular expression is {len(pattern)} characters long; "
            f"the limit is {MAX_PATTERN_LENGTH}"
        )
    try:
        _compiled(pattern)
    except re2.error as error:
        return f"invalid regular expression: {_reason(error)}"
    return None


def search(pattern: str, text: str) -> bool:
    problem = pattern_problem(pattern)
    if problem is not None:
        raise UnsafePattern(problem)
    if len(text) > MAX_INPUT_LENGTH:
        raise UnsafePattern(
            f"text to match is {len(text):,} characters long; the limit is {MAX_INPUT_LENGTH:,}"
        )
    return _compiled(pattern).search(text) is not None


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re2._Regexp:
    return re2.compile(pattern, _OPTIONS)


def _reason(error: re2.error) -> str:
    detail = error.args[0] if error.args else "not understood"
    return detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)
