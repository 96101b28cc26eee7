"""The syntax tree: immutable, and equal when the structure is equal.

Every node keeps the position of the token that best explains a failure (the operator of a binary
operation, the name of a call), but positions take no part in equality: `1+2` and `1 + 2` parse to
equal trees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum


class UnaryOp(Enum):
    NOT = "not"
    NEGATE = "-"


class BinaryOp(Enum):
    OR = "or"
    AND = "and"
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    MATCHES = "matches"
    IN = "in"
    NOT_IN = "not in"
    ADD = "+"
    SUBTRACT = "-"
    MULTIPLY = "*"
    DIVIDE = "/"
    REMAINDER = "%"


@dataclass(frozen=True, slots=True)
class NumberLiteral:
    value: Decimal
    position: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class StringLiteral:
    value: str
    position: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class BooleanLiteral:
    value: bool
    position: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class NullLiteral:
    position: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class ListLiteral:
    items: tuple[Node, ...]
    position: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Reference:
    """A dotted path such as `contact.fields.city`; `path[0]` is the root."""

    path: tuple[str, ...]
    position: int = field(default=0, compare=False, kw_only=True)

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class Unary:
    op: UnaryOp
    operand: Node
    position: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Binary:
    op: BinaryOp
    left: Node
    right: Node
    position: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    args: tuple[Node, ...]
    position: int = field(default=0, compare=False, kw_only=True)


Node = (
    NumberLiteral
    | StringLiteral
    | BooleanLiteral
    | NullLiteral
    | ListLiteral
    | Reference
    | Unary
    | Binary
    | Call
)


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression: the tree and the source it came from."""

    source: str
    root: Node


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, ListLiteral):
        return node.items
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children, without recursion."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(reversed(children(current)))
