"""Stripe's request encoding: `a[b][0][c]=v` form fields back into nested dicts and lists.

stripe-python sends every list indexed (`expand[0]=...`), other clients send `expand[]=...`;
both become Python lists. Values stay strings: Stripe coerces per parameter, so do the endpoints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from parley.billing.testing.stripe_objects import StripeError

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def parse_form(text: str) -> dict[str, Any]:
    """A form-encoded body or query string as Stripe reads it."""
    return nest(parse_qsl(text, keep_blank_values=True))


def nest(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for key, value in pairs:
        head, _, rest = key.partition("[")
        parts = [head, *_SEGMENT.findall("[" + rest)] if rest else [head]
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            # `[]` appends: give it the next free position so lists come out in arrival order.
            name = str(len(node)) if part == "" else part
            if last:
                node[name] = value
            else:
                child = node.setdefault(name, {})
                if not isinstance(child, dict):
                    raise StripeError(400, f"Invalid parameter: {key}", param=parts[0])
                node = child
    return _listify(root)


def _listify(node: dict[str, Any]) -> dict[str, Any]:
    """Dicts keyed only by indices become lists (ordered by index, gaps closed)."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        out[key] = _as_list_or_dict(value) if isinstance(value, dict) else value
    return out


def _as_list_or_dict(node: dict[str, Any]) -> dict[str, Any] | list[Any]:
    converted = _listify(node)
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def to_bool(value: Any, param: str) -> bool:
    if value in ("true", True):
        return True
    if value in ("false", False):
        return False
    raise StripeError(400, f"Invalid boolean: {value}", param=param)


def to_int(value: Any, param: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {value}", param=param) from None


def string_map(value: Any, param: str) -> dict[str, str]:
    """`metadata`-like parameters: a flat string to string map ('' is a value here)."""
    if value is None:
        return {}
    if value == "":
        return {}  # Stripe: `metadata=` clears the map
    if not isinstance(value, dict) or any(not isinstance(v, str) for v in value.values()):
        raise StripeError(400, f"Invalid hash: {param} must be a map of strings", param=param)
    return dict(value)


def merge_metadata(current: dict[str, str], update: Any, param: str = "metadata") -> dict[str, str]:
    """Stripe's update semantics: keys merge, an empty value unsets a key, `metadata=` clears."""
    if update == "":
        return {}
    merged = dict(current)
    for key, value in string_map(update, param).items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
