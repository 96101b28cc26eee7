"""The Condition node's expression language: small, safe, and never `eval`.

    contact.fields.city == "Lisboa" and days_between(date(vars.signed_up), now()) > 30
    normalize(reply.text) in ["si", "yes"] or reply.button_id == "confirm"

`parse` turns source into an immutable tree, `check` lists every problem for flow validation,
`evaluate` computes a value against a scope with the clock passed in. Precedence and the
grammar are documented in `parser`; the functions in `functions.REGISTRY`.
"""

from parley.flow_engine.domain.expressions.ast import Expression
from parley.flow_engine.domain.expressions.checker import check, referenced_names
from parley.flow_engine.domain.expressions.errors import (
    EvaluationError,
    ExpressionError,
    ExpressionProblem,
)
from parley.flow_engine.domain.expressions.evaluate import evaluate, evaluate_bool
from parley.flow_engine.domain.expressions.parser import parse
from parley.flow_engine.domain.expressions.values import Value

__all__ = [
    "EvaluationError",
    "Expression",
    "ExpressionError",
    "ExpressionProblem",
    "Value",
    "check",
    "evaluate",
    "evaluate_bool",
    "parse",
    "referenced_names",
]
