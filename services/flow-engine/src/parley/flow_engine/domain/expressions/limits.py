"""Size limits. Expressions come from flow authors and run for every contact, so they are bounded.

The parser recurses once per nesting level; the depth limit keeps that far below Python's
recursion limit, so a hostile expression gets an ExpressionError instead of a RecursionError.
"""

from __future__ import annotations

MAX_SOURCE_LENGTH = 2_000  # the same cap as the node's `expression` field
MAX_DEPTH = 50  # parentheses, lists, call arguments and prefix operators, nested
MAX_NODES = 200  # values, references, operators and calls
