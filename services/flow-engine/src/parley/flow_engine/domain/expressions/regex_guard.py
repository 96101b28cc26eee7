"""`matches` on top of the engine's safe regular expressions (see `domain/safe_regex.py`)."""

from __future__ import annotations

from parley.flow_engine.domain import safe_regex
from parley.flow_engine.domain.expressions.errors import OperationFailed

pattern_problem = safe_regex.pattern_problem


def search(pattern: str, text: str) -> bool:
    try:
        return safe_regex.search(pattern, text)
    except safe_regex.UnsafePattern as unsafe:
        raise OperationFailed(str(unsafe)) from None
