"""What can go wrong with an expression, always with the character position to point at.

Positions are 0-based offsets into the source, so the flow builder can underline the culprit.
Parsing and evaluating fail with distinct types: a flow that validated can still meet data it
cannot handle at run time, and the engine treats the two differently.
"""

from __future__ import annotations

from dataclasses import dataclass


class ExpressionError(ValueError):
    """The source is not a valid expression."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"at {position}: {reason}")
        self.position = position
        self.reason = reason


class EvaluationError(ValueError):
    """A valid expression could not be computed with the data at hand."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"at {position}: {reason}")
        self.position = position
        self.reason = reason


@dataclass(frozen=True)
class ExpressionProblem:
    """One finding of `check`: validation reports all of them at once."""

    position: int
    reason: str

    def __str__(self) -> str:
        return f"at {self.position}: {self.reason}"


class OperationFailed(Exception):
    """Raised by value operations, which know no positions; the evaluator adds the position.

    `argument` names which argument of a function call is at fault, so the error can point at it.
    """

    def __init__(self, reason: str, *, argument: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.argument = argument
