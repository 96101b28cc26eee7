"""Source text to tokens. Names and numbers are ASCII, like placeholders in message templates."""

from __future__ import annotations

from decimal import Decimal

from parley.flow_engine.domain.expressions.errors import ExpressionError
from parley.flow_engine.domain.expressions.tokens import KEYWORDS, SYMBOLS, Kind, Token

_DIGITS = frozenset("0123456789")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_PART = _NAME_START | _DIGITS
_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}
_WHITESPACE = frozenset(" \t\r\n")

# Near misses from other languages get a hint instead of a bare "unexpected character".
_HINTS = {
    "=": "use '==' to compare",
    "&": "use 'and' (or '&&')",
    "|": "use 'or' (or '||')",
}


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    index = 0
    while index < len(source):
        char = source[index]
        if char in _WHITESPACE:
            index += 1
        elif char in _DIGITS:
            index = _number(source, index, tokens)
        elif char in "\"'":
            index = _string(source, index, tokens)
        elif char in _NAME_START:
            end = index
            while end < len(source) and source[end] in _NAME_PART:
                end += 1
            text = source[index:end]
            tokens.append(Token(KEYWORDS.get(text, Kind.NAME), text, index))
            index = end
        else:
            index = _symbol(source, index, tokens)
    tokens.append(Token(Kind.END, "", len(source)))
    return tokens


def _number(source: str, start: int, tokens: list[Token]) -> int:
    end = start
    while end < len(source) and source[end] in _DIGITS:
        end += 1
    if end < len(source) and source[end] == ".":
        if end + 1 >= len(source) or source[end + 1] not in _DIGITS:
            raise ExpressionError(end + 1, "expected a digit after the decimal point")
        end += 1
        while end < len(source) and source[end] in _DIGITS:
            end += 1
    text = source[start:end]
    tokens.append(Token(Kind.NUMBER, text, start, Decimal(text)))
    return end


def _string(source: str, start: int, tokens: list[Token]) -> int:
    quote = source[start]
    chars: list[str] = []
    index = start + 1
    while index < len(source):
        char = source[index]
        if char == quote:
            tokens.append(Token(Kind.STRING, source[start : index + 1], start, "".join(chars)))
            return index + 1
        if char == "\\":
            escaped = source[index + 1 : index + 2]
            if not escaped:
                break
            if escaped not in _ESCAPES:
                raise ExpressionError(
                    index, "unknown escape; use \\\" \\' \\\\ \\n or \\t inside a string"
                )
            chars.append(_ESCAPES[escaped])
            index += 2
        else:
            chars.append(char)
            index += 1
    raise ExpressionError(start, f"string is never closed: add the missing {quote}")


def _symbol(source: str, start: int, tokens: list[Token]) -> int:
    for text, kind in SYMBOLS:
        if source.startswith(text, start):
            tokens.append(Token(kind, text, start))
            return start + len(text)
    char = source[start]
    hint = _HINTS.get(char)
    shown = repr(char) if char.isprintable() else f"U+{ord(char):04X}"
    reason = f"unexpected character {shown}" + (f"; {hint}" if hint else "")
    raise ExpressionError(start, reason)
