"""The tokens the lexer produces."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Kind(Enum):
    NUMBER = "number"
    STRING = "string"
    NAME = "name"
    # keywords
    AND = "and"
    OR = "or"
    NOT = "not"
    TRUE = "true"
    FALSE = "false"
    NULL = "null"
    CONTAINS = "contains"
    STARTS_WITH = "starts_with"
    ENDS_WITH = "ends_with"
    MATCHES = "matches"
    IN = "in"
    # punctuation and operators
    LPAREN = "("
    RPAREN = ")"
    LBRACKET = "["
    RBRACKET = "]"
    COMMA = ","
    DOT = "."
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    PLUS = "+"
    MINUS = "-"
    STAR = "*"
    SLASH = "/"
    PERCENT = "%"
    END = "end"


KEYWORDS: dict[str, Kind] = {
    kind.value: kind
    for kind in (
        Kind.AND,
        Kind.OR,
        Kind.NOT,
        Kind.TRUE,
        Kind.FALSE,
        Kind.NULL,
        Kind.CONTAINS,
        Kind.STARTS_WITH,
        Kind.ENDS_WITH,
        Kind.MATCHES,
        Kind.IN,
    )
}

# Longest first, so "<=" wins over "<". The C-style aliases map to the keyword kinds.
SYMBOLS: tuple[tuple[str, Kind], ...] = (
    ("==", Kind.EQ),
    ("!=", Kind.NE),
    ("<=", Kind.LE),
    (">=", Kind.GE),
    ("&&", Kind.AND),
    ("||", Kind.OR),
    ("<", Kind.LT),
    (">", Kind.GT),
    ("!", Kind.NOT),
    ("+", Kind.PLUS),
    ("-", Kind.MINUS),
    ("*", Kind.STAR),
    ("/", Kind.SLASH),
    ("%", Kind.PERCENT),
    ("(", Kind.LPAREN),
    (")", Kind.RPAREN),
    ("[", Kind.LBRACKET),
    ("]", Kind.RBRACKET),
    (",", Kind.COMMA),
    (".", Kind.DOT),
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # exactly as written in the source
    position: int
    value: Decimal | str | None = None  # the number, or the string with escapes resolved

    def describe(self) -> str:
        """How an error message names this token."""
        if self.kind is Kind.END:
            return "the end of the expression"
        shown = self.text if len(self.text) <= 20 else self.text[:17] + "..."
        return f"'{shown}'"
