"""The grammar's tables: operator precedence, the reference roots, and hints for near misses.

Precedence, loosest first; every binary level is left-associative except comparisons:

    1  or  ||
    2  and  &&
    3  not  !                                   prefix
    4  == != < <= > >= contains starts_with      not chainable: `a < b < c` is refused
       ends_with matches in  not in
    5  +  -
    6  *  /  %
    7  -                                        prefix
    8  literals, references, calls, ( ), [ ]

`!` binds like `not`, so `!a == b` means `!(a == b)`. A `not` cannot be the operand of a
comparison or arithmetic (`a == not b`): it needs parentheses there, as in Python.

    reference := ("vars" | "contact" | "reply") ("." name)+     a keyword is a valid field name
    call      := name "(" [expression ("," expression)*] ")"
    list      := "[" [expression ("," expression)*] "]"
"""

from __future__ import annotations

from enum import IntEnum

from parley.flow_engine.domain.expressions.ast import BinaryOp
from parley.flow_engine.domain.expressions.functions import REGISTRY
from parley.flow_engine.domain.expressions.tokens import Kind

# The roots a reference may start with, each with an example for error messages.
ROOTS = {"vars": "vars.score", "contact": "contact.name", "reply": "reply.text"}


class Power(IntEnum):
    OR = 1
    AND = 2
    NOT = 3
    COMPARE = 4
    SUM = 5
    PRODUCT = 6
    NEGATE = 7


INFIX: dict[Kind, tuple[BinaryOp, Power]] = {
    Kind.OR: (BinaryOp.OR, Power.OR),
    Kind.AND: (BinaryOp.AND, Power.AND),
    Kind.EQ: (BinaryOp.EQ, Power.COMPARE),
    Kind.NE: (BinaryOp.NE, Power.COMPARE),
    Kind.LT: (BinaryOp.LT, Power.COMPARE),
    Kind.LE: (BinaryOp.LE, Power.COMPARE),
    Kind.GT: (BinaryOp.GT, Power.COMPARE),
    Kind.GE: (BinaryOp.GE, Power.COMPARE),
    Kind.CONTAINS: (BinaryOp.CONTAINS, Power.COMPARE),
    Kind.STARTS_WITH: (BinaryOp.STARTS_WITH, Power.COMPARE),
    Kind.ENDS_WITH: (BinaryOp.ENDS_WITH, Power.COMPARE),
    Kind.MATCHES: (BinaryOp.MATCHES, Power.COMPARE),
    Kind.IN: (BinaryOp.IN, Power.COMPARE),
    Kind.PLUS: (BinaryOp.ADD, Power.SUM),
    Kind.MINUS: (BinaryOp.SUBTRACT, Power.SUM),
    Kind.STAR: (BinaryOp.MULTIPLY, Power.PRODUCT),
    Kind.SLASH: (BinaryOp.DIVIDE, Power.PRODUCT),
    Kind.PERCENT: (BinaryOp.REMAINDER, Power.PRODUCT),
}
LITERAL_WORDS = {"True", "False", "TRUE", "FALSE", "Null", "NULL", "None", "nil"}


def unknown_name(name: str) -> str:
    if name in LITERAL_WORDS:
        return f"unknown name '{name}': write true, false and null in lowercase"
    if name in REGISTRY:
        return f"'{name}' is a function: call it with parentheses, as in {REGISTRY[name].signature}"
    return (
        f"unknown name '{name}': a reference starts with vars., contact. or reply., "
        f"as in vars.{name}"
    )
