"""The metric names a PromQL expression reads, by a regex pass rather than a parser.

What it does, in order: take out `__name__=~"..."` matchers (returned as regexes, which
Prometheus anchors at both ends), then every label matcher block `{...}`, string literal, range
or subquery `[...]`, and the label lists of `by (...)`, `without (...)`, `on (...)`,
`ignoring (...)`, `group_left (...)` and `group_right (...)`. What is left that looks like an
identifier is a metric name unless a `(` follows it (a function or an aggregation with its
argument) or it is a PromQL keyword or operator word. Good enough for the expressions in
deploy/grafana and deploy/prometheus; tests/deploy/test_metrics_exist.py checks it on them.
"""

from __future__ import annotations

import re

_NAME_REGEX = re.compile(r'__name__\s*=~\s*"([^"]*)"')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_RANGES = re.compile(r"\[[^\]]*\]")
_LABEL_LISTS = re.compile(
    r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", re.IGNORECASE
)
_IDENTIFIER = re.compile(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")
_KEYWORDS = frozenset(
    {
        *("by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool"),
        *("and", "or", "unless", "inf", "nan"),
        *("sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk"),
        *("quantile", "count_values", "group"),
    }
)


def metric_selectors(expr: str) -> tuple[set[str], set[str]]:
    """(exact metric names, `__name__` regexes) that `expr` selects."""
    regexes = set(_NAME_REGEX.findall(expr))
    text = _MATCHERS.sub(" ", expr)
    text = _STRINGS.sub(" ", text)
    text = _RANGES.sub(" ", text)
    text = _LABEL_LISTS.sub(" ", text)
    names = {
        name
        for name in _IDENTIFIER.findall(text)
        if name.lower() not in _KEYWORDS and not re.fullmatch(r"\d+[smhdwy]?", name)
    }
    return names, regexes
