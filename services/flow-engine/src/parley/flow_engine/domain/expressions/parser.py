"""Tokens to a syntax tree, by precedence climbing (a Pratt parser); the tables are in `grammar`.

Each operator has a binding power; `_expression(min_power)` keeps folding operators that bind
tighter than `min_power` into the left operand, which gives left associativity for free.
Comparisons refuse a second comparison at the same level instead of chaining.
"""

from __future__ import annotations

from decimal import Decimal

from parley.flow_engine.domain.expressions.ast import (
    Binary,
    BinaryOp,
    BooleanLiteral,
    Call,
    Expression,
    ListLiteral,
    Node,
    NullLiteral,
    NumberLiteral,
    Reference,
    StringLiteral,
    Unary,
    UnaryOp,
)
from parley.flow_engine.domain.expressions.errors import ExpressionError
from parley.flow_engine.domain.expressions.grammar import INFIX, ROOTS, Power, unknown_name
from parley.flow_engine.domain.expressions.lexer import tokenize
from parley.flow_engine.domain.expressions.limits import MAX_DEPTH, MAX_NODES, MAX_SOURCE_LENGTH
from parley.flow_engine.domain.expressions.tokens import KEYWORDS, Kind, Token


def parse(source: str) -> Expression:
    """Parse `source`, or raise ExpressionError at the first problem."""
    if len(source) > MAX_SOURCE_LENGTH:
        raise ExpressionError(
            MAX_SOURCE_LENGTH,
            f"expression is {len(source):,} characters long; the limit is {MAX_SOURCE_LENGTH:,}",
        )
    return Expression(source, _Parser(tokenize(source)).parse())


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._index = 0
        self._depth = 0
        self._nodes = 0

    def parse(self) -> Node:
        if self._peek().kind is Kind.END:
            raise ExpressionError(
                0, 'expression is empty: write a condition such as reply.text == "yes"'
            )
        root = self._expression(0)
        token = self._peek()
        if token.kind is not Kind.END:
            raise ExpressionError(
                token.position, f"unexpected {token.describe()}: expected an operator or the end"
            )
        return root

    def _expression(self, min_power: int) -> Node:
        left = self._prefix(min_power)
        compared: str | None = None  # the comparison operator already applied at this level
        while True:
            token = self._peek()
            infix = self._infix(token)
            if infix is None or infix[1] <= min_power:
                return left
            op, power, width = infix
            if power is Power.COMPARE:
                if compared is not None:
                    raise ExpressionError(
                        token.position,
                        "comparisons cannot be chained: join them with 'and', "
                        f"as in 'a {compared} b and b {op.value} c'",
                    )
                compared = op.value
            self._index += width
            right = self._expression(power)
            left = self._node(Binary(op, left, right, position=token.position))

    def _infix(self, token: Token) -> tuple[BinaryOp, Power, int] | None:
        if token.text == "not" and self._tokens[self._index + 1].kind is Kind.IN:
            return BinaryOp.NOT_IN, Power.COMPARE, 2
        found = INFIX.get(token.kind)
        return None if found is None else (*found, 1)

    def _prefix(self, min_power: int) -> Node:
        token = self._advance()
        if token.kind is Kind.NOT:
            if min_power > Power.NOT:
                raise ExpressionError(
                    token.position,
                    f"put '{token.text} ...' in parentheses here: it applies to a whole comparison",
                )
            operand = self._nested(token, Power.NOT)
            return self._node(Unary(UnaryOp.NOT, operand, position=token.position))
        if token.kind is Kind.MINUS:
            operand = self._nested(token, Power.NEGATE)
            return self._node(Unary(UnaryOp.NEGATE, operand, position=token.position))
        if token.kind is Kind.LPAREN:
            inner = self._nested(token, 0)
            self._expect(Kind.RPAREN, f"expected ')' to close the '(' at {token.position}")
            return inner
        if token.kind is Kind.LBRACKET:
            items = self._sequence(token, Kind.RBRACKET, f"the list opened at {token.position}")
            return self._node(ListLiteral(items, position=token.position))
        if token.kind is Kind.NAME:
            return self._name(token)
        return self._node(self._literal(token))

    def _literal(self, token: Token) -> Node:
        if token.kind is Kind.NUMBER and isinstance(token.value, Decimal):
            return NumberLiteral(token.value, position=token.position)
        if token.kind is Kind.STRING and isinstance(token.value, str):
            return StringLiteral(token.value, position=token.position)
        if token.kind in (Kind.TRUE, Kind.FALSE):
            return BooleanLiteral(token.kind is Kind.TRUE, position=token.position)
        if token.kind is Kind.NULL:
            return NullLiteral(position=token.position)
        before = self._tokens[self._index - 2] if self._index >= 2 else None
        after = f" after {before.describe()}" if before is not None else ""
        raise ExpressionError(token.position, f"expected a value{after}, found {token.describe()}")

    def _name(self, token: Token) -> Node:
        if self._peek().kind is Kind.LPAREN:
            opening = self._advance()
            args = self._sequence(opening, Kind.RPAREN, f"the arguments of {token.text}()")
            return self._node(Call(token.text, args, position=token.position))
        if token.text in ROOTS:
            return self._node(self._reference(token))
        raise ExpressionError(token.position, unknown_name(token.text))

    def _reference(self, root: Token) -> Reference:
        path = [root.text]
        while self._peek().kind is Kind.DOT:
            self._advance()
            part = self._advance()
            if part.kind is not Kind.NAME and part.text not in KEYWORDS:
                raise ExpressionError(
                    part.position, f"expected a field name after '.', found {part.describe()}"
                )
            path.append(part.text)
        if len(path) == 1:
            raise ExpressionError(
                root.position,
                f"'{root.text}' alone is not a value: name one of its fields, "
                f"as in {ROOTS[root.text]}",
            )
        return Reference(tuple(path), position=root.position)

    def _sequence(self, opening: Token, closing: Kind, what: str) -> tuple[Node, ...]:
        """Comma-separated expressions up to `closing`, for call arguments and lists."""
        self._enter(opening)
        items: list[Node] = []
        if self._peek().kind is closing:
            self._advance()
        else:
            while True:
                items.append(self._expression(0))
                if self._peek().kind is Kind.COMMA:
                    self._advance()
                    continue
                self._expect(closing, f"expected ',' or '{closing.value}' to end {what}")
                break
        self._depth -= 1
        return tuple(items)

    def _nested(self, opening: Token, min_power: int) -> Node:
        self._enter(opening)
        node = self._expression(min_power)
        self._depth -= 1
        return node

    def _enter(self, opening: Token) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ExpressionError(
                opening.position,
                f"expression nests more than {MAX_DEPTH} levels deep; simplify it",
            )

    def _node(self, node: Node) -> Node:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise ExpressionError(
                node.position,
                f"expression has more than {MAX_NODES} parts; "
                "split it across several nodes or intermediate variables",
            )
        return node

    def _expect(self, kind: Kind, reason: str) -> None:
        token = self._advance()
        if token.kind is not kind:
            raise ExpressionError(token.position, f"{reason}, found {token.describe()}")

    def _peek(self) -> Token:
        return self._tokens[min(self._index, len(self._tokens) - 1)]

    def _advance(self) -> Token:
        token = self._peek()
        self._index += 1
        return token
