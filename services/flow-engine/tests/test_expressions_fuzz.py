"""Fuzzing: arbitrary text never crashes the parser, and generated trees survive a round trip.

The renderer here has its own precedence table, written from the documented grammar rather than
imported, so a parser that disagrees with the documentation fails the round trip.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from parley.flow_engine.domain.expressions import (
    EvaluationError,
    ExpressionError,
    check,
    evaluate,
    evaluate_bool,
    parse,
)
from parley.flow_engine.domain.expressions.ast import (
    Binary,
    BinaryOp,
    BooleanLiteral,
    Call,
    ListLiteral,
    Node,
    NullLiteral,
    NumberLiteral,
    Reference,
    StringLiteral,
    Unary,
    UnaryOp,
)
from parley.flow_engine.domain.expressions.functions import REGISTRY

NOW = datetime(2024, 5, 15, 10, 30, tzinfo=UTC)
FUZZ = settings(max_examples=300, deadline=None)

# Fragments rather than single characters, so that most inputs get deep into the parser.
OPERATOR_HEAVY = st.lists(
    st.sampled_from(
        [
            *"()[],.\"'\\ =!<>&|+-*/%0123456789._",
            *["vars.a", "contact.tags", "reply.text", "and ", "or ", "not ", " in ", " contains "],
            *["matches ", "len(", "now()", "date(", "true", "null", "é", "\n", "\x00", "٣"],
        ]
    ),
    max_size=40,
).map("".join)


def assert_located(position: int, reason: str, source: str) -> None:
    assert 0 <= position <= len(source)
    assert reason


@FUZZ
@given(st.one_of(st.text(max_size=80), OPERATOR_HEAVY))
def test_any_text_parses_or_fails_with_an_expression_error(source: str) -> None:
    try:
        expression = parse(source)
    except ExpressionError as error:
        event("refused by the parser")
        assert_located(error.position, error.reason, source)
    else:
        event("parsed")
        try:
            evaluate(expression, SCOPE, now=NOW)
        except EvaluationError as error:
            assert_located(error.position, error.reason, source)
    for problem in check(source, known_variables=frozenset({"a"})):
        assert_located(problem.position, problem.reason, source)


# Names the generated references use; keywords are valid field names after a dot.
FIELDS = ("a", "b", "text", "tags", "in", "not", "true")
PRECEDENCE = {
    BinaryOp.OR: 1,
    BinaryOp.AND: 2,
    **dict.fromkeys(
        [BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE],
        4,
    ),
    **dict.fromkeys(
        [BinaryOp.CONTAINS, BinaryOp.STARTS_WITH, BinaryOp.ENDS_WITH, BinaryOp.MATCHES],
        4,
    ),
    BinaryOp.IN: 4,
    BinaryOp.NOT_IN: 4,
    BinaryOp.ADD: 5,
    BinaryOp.SUBTRACT: 5,
    BinaryOp.MULTIPLY: 6,
    BinaryOp.DIVIDE: 6,
    BinaryOp.REMAINDER: 6,
}
ATOM = 9
ALIASES = {BinaryOp.AND: "&&", BinaryOp.OR: "||"}


def numbers() -> st.SearchStrategy[NumberLiteral]:
    whole = st.integers(min_value=0, max_value=10**12).map(Decimal)
    fraction = st.tuples(st.integers(0, 999), st.integers(0, 999)).map(
        lambda parts: Decimal(f"{parts[0]}.{parts[1]:03d}")
    )
    return st.one_of(whole, fraction).map(NumberLiteral)


LEAVES: st.SearchStrategy[Node] = st.one_of(
    numbers(),
    st.text(max_size=8).map(StringLiteral),
    st.booleans().map(BooleanLiteral),
    st.just(NullLiteral()),
    st.tuples(
        st.sampled_from(("vars", "contact", "reply")),
        st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2),
    ).map(lambda parts: Reference((parts[0], *parts[1]))),
)


def calls(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    def build(name: str) -> st.SearchStrategy[Node]:
        function = REGISTRY[name]
        least = len(function.params) - function.optional
        most = len(function.params) + (1 if function.variadic else 0)
        args = st.lists(children, min_size=least, max_size=most).map(tuple)
        return args.map(lambda items: Call(name, items))

    return st.sampled_from(sorted(REGISTRY)).flatmap(build)


def extend(children: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    return st.one_of(
        st.builds(Unary, st.sampled_from(UnaryOp), children),
        st.builds(Binary, st.sampled_from(BinaryOp), children, children),
        st.lists(children, max_size=3).map(lambda items: ListLiteral(tuple(items))),
        calls(children),
    )


TREES = st.recursive(LEAVES, extend, max_leaves=12)


def render(node: Node, draw_style: st.DataObject) -> tuple[str, int]:
    """Source for `node` and the precedence level of its outermost operator."""
    text, level = _render(node, draw_style)
    if level < ATOM and draw_style.draw(st.integers(0, 9)) == 0:
        return f"({text})", ATOM  # redundant parentheses must not change the tree
    return text, level


def _render(node: Node, style: st.DataObject) -> tuple[str, int]:
    if isinstance(node, NumberLiteral):
        return format(node.value, "f"), ATOM
    if isinstance(node, StringLiteral):
        return _quote(node.value, style.draw(st.sampled_from("\"'"))), ATOM
    if isinstance(node, BooleanLiteral):
        return ("true" if node.value else "false"), ATOM
    if isinstance(node, NullLiteral):
        return "null", ATOM
    if isinstance(node, Reference):
        return node.name, ATOM
    if isinstance(node, ListLiteral | Call):
        items = ", ".join(render(item, style)[0] for item in children_of(node))
        opening = f"{node.function}(" if isinstance(node, Call) else "["
        return opening + items + (")" if isinstance(node, Call) else "]"), ATOM
    if isinstance(node, Unary):
        if node.op is UnaryOp.NEGATE:
            return "-" + _wrap(render(node.operand, style), minimum=7), 7
        word = style.draw(st.sampled_from(["not ", "!"]))
        return word + _wrap(render(node.operand, style), minimum=3), 3
    level = PRECEDENCE[node.op]
    symbol = ALIASES.get(node.op) if style.draw(st.booleans()) else None
    left = _wrap(render(node.left, style), minimum=level + (1 if level == 4 else 0))
    right = _wrap(render(node.right, style), minimum=level + 1)
    return f"{left} {symbol or node.op.value} {right}", level


def children_of(node: ListLiteral | Call) -> tuple[Node, ...]:
    return node.items if isinstance(node, ListLiteral) else node.args


def _wrap(rendered: tuple[str, int], minimum: int) -> str:
    text, level = rendered
    return text if level >= minimum else f"({text})"


def _quote(value: str, quote: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
    return quote + escaped.replace("\n", "\\n").replace("\t", "\\t") + quote


def host_values() -> st.SearchStrategy[object]:
    offsets = st.timedeltas(min_value=-timedelta(hours=23), max_value=timedelta(hours=23))
    zones = st.one_of(st.none(), st.just(UTC), offsets.map(timezone))
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.decimals(),
        st.text(max_size=12),
        st.sampled_from(["2024-05-01", "2024-05-01T10:00:00Z", "3.5", " 42 ", "(a+)+", "["]),
        st.datetimes(timezones=zones),
        st.dates(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(FIELDS), inner)
        ),
        max_leaves=6,
    )


def scopes() -> st.SearchStrategy[Mapping[str, object]]:
    group = st.dictionaries(st.sampled_from(FIELDS), host_values(), max_size=len(FIELDS))
    return st.fixed_dictionaries({"vars": group, "contact": group, "reply": group})


SCOPE: Mapping[str, object] = {"vars": {"a": 1}, "contact": {"tags": ["vip"]}, "reply": {}}


@FUZZ
@given(TREES, st.data())
def test_rendered_trees_parse_back_to_the_same_tree(tree: Node, style: st.DataObject) -> None:
    source = render(tree, style)[0]
    assert parse(source).root == tree, source
    for problem in check(source):
        assert_located(problem.position, problem.reason, source)


@FUZZ
@given(TREES, st.data(), scopes(), st.datetimes(timezones=st.just(UTC)))
def test_evaluation_raises_only_evaluation_errors(
    tree: Node, style: st.DataObject, scope: Mapping[str, object], now: datetime
) -> None:
    source = render(tree, style)[0]
    expression = parse(source)
    for run in (evaluate, evaluate_bool):
        try:
            run(expression, scope, now=now)
        except EvaluationError as error:
            event(f"{run.__name__}: error")
            assert_located(error.position, error.reason, source)
        else:
            event(f"{run.__name__}: value")
