"""Text interpolation in messages: `Hi {{contact.name | "there"}}, your code is {{vars.code}}`.

A placeholder is a dotted path rooted at `contact`, `vars` or `reply`, with an optional default
after `|` (quoted, or a bare word). A missing or empty value renders the default, else nothing.
Pure: no I/O; parsing errors carry the character position so the builder can point at them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

ROOTS = ("contact", "vars", "reply")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


class TemplateError(ValueError):
    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"at {position}: {reason}")
        self.position = position
        self.reason = reason


@dataclass(frozen=True)
class Placeholder:
    path: str
    default: str
    position: int


Part = str | Placeholder


def parse(text: str) -> list[Part]:
    parts: list[Part] = []
    cursor = 0
    while True:
        start = text.find("{{", cursor)
        if start < 0:
            if "}}" in text[cursor:]:
                raise TemplateError(text.index("}}", cursor), "'}}' without a matching '{{'")
            if text[cursor:]:
                parts.append(text[cursor:])
            return parts
        if "}}" in text[cursor:start]:
            raise TemplateError(text.index("}}", cursor), "'}}' without a matching '{{'")
        if start > cursor:
            parts.append(text[cursor:start])
        end = text.find("}}", start + 2)
        if end < 0:
            raise TemplateError(start, "'{{' is never closed with '}}'")
        parts.append(_placeholder(text[start + 2 : end], start))
        cursor = end + 2


def _placeholder(inner: str, position: int) -> Placeholder:
    path, bar, default = inner.partition("|")
    path = path.strip()
    if not path:
        raise TemplateError(position, "empty placeholder: write a name such as {{contact.name}}")
    if not _PATH.match(path):
        raise TemplateError(position, f"{path!r} is not a name like contact.name or vars.total")
    if path.split(".")[0] not in ROOTS:
        raise TemplateError(position, f"{path!r} must start with contact., vars. or reply.")
    default = default.strip()
    if bar and len(default) >= 2 and default[0] == default[-1] and default[0] in "\"'":
        default = default[1:-1]
    return Placeholder(path, default, position)


def lookup(scope: Mapping[str, object], path: str) -> object:
    current: object = scope
    for key in path.split("."):
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current


def render(text: str, scope: Mapping[str, object]) -> str:
    out = []
    for part in parse(text):
        if isinstance(part, str):
            out.append(part)
            continue
        value = lookup(scope, part.path)
        out.append(part.default if value is None or value == "" else _text(value))
    return "".join(out)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


def referenced_names(text: str) -> frozenset[str]:
    return frozenset(p.path for p in parse(text) if isinstance(p, Placeholder))
