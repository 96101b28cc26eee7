"""Payload checks for `POST /messages`, with Meta's limits from platform-facts §A1.

Each refusal names the field in `details`, so a failing test (or a person reading a log) sees
which part of the payload is wrong: code 100 for a missing or mistyped field, 131009 for a value
outside Meta's limits, 131051 for a type the fake does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MEDIA_TYPES = frozenset({"image", "document", "video", "audio", "sticker"})
_PHONE_PUNCTUATION = re.compile(r"[+\-() ]")


@dataclass(frozen=True)
class Refusal:
    """Why a payload was refused: the Graph error code and the field-naming details."""

    code: int
    details: str


class Invalid(Exception):
    """Raised inside the checks; carries the refusal to the handler."""

    def __init__(self, code: int, details: str) -> None:
        super().__init__(details)
        self.refusal = Refusal(code, details)


def phone_digits(phone: str) -> str:
    """The `wa_id` Meta derives from a `to`: the number without punctuation."""
    return _PHONE_PUNCTUATION.sub("", phone)


def _obj(parent: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise Invalid(100, f"{path}: required object is missing or not an object")
    return value


def _text(
    parent: dict[str, Any], key: str, path: str, *, max_len: int, required: bool = True
) -> str | None:
    value = parent.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Invalid(100, f"{path}: required string is missing or not a string")
    if not value.strip():
        raise Invalid(131009, f"{path}: must not be empty")
    if len(value) > max_len:
        raise Invalid(131009, f"{path}: at most {max_len} characters, got {len(value)}")
    return value


def _list(parent: dict[str, Any], key: str, path: str) -> list[Any]:
    value = parent.get(key)
    if not isinstance(value, list):
        raise Invalid(100, f"{path}: required array is missing or not an array")
    return value


def validate(payload: Any) -> Refusal | None:
    """Check a send body; None means Meta would accept it."""
    try:
        _validate(payload)
    except Invalid as exc:
        return exc.refusal
    return None


def _validate(payload: Any) -> None:
    if not isinstance(payload, dict):
        raise Invalid(100, "body: must be a JSON object")
    if payload.get("messaging_product") != "whatsapp":
        raise Invalid(100, "messaging_product: must be 'whatsapp'")
    to, recipient = payload.get("to"), payload.get("recipient")
    if to is None and recipient is None:
        raise Invalid(100, "to: required (or recipient for a business-scoped user ID)")
    if to is not None:
        if not isinstance(to, str):
            raise Invalid(100, "to: must be a string")
        if not re.fullmatch(r"\d{7,15}", phone_digits(to)):
            raise Invalid(131009, f"to: {to!r} is not a phone number (7 to 15 digits)")
    elif not isinstance(recipient, str) or not recipient:
        raise Invalid(100, "recipient: must be a non-empty string")
    kind = payload.get("type", "text")
    if not isinstance(kind, str):
        raise Invalid(100, "type: must be a string")
    if kind == "text":
        _text(_obj(payload, "text", "text"), "body", "text.body", max_len=4096)
    elif kind in MEDIA_TYPES:
        _media(_obj(payload, kind, kind), kind)
    elif kind == "interactive":
        _interactive(_obj(payload, "interactive", "interactive"))
    elif kind == "template":
        _template(_obj(payload, "template", "template"))
    else:
        raise Invalid(131051, f"type: {kind!r} is not a supported message type")


def _media(media: dict[str, Any], kind: str) -> None:
    if not isinstance(media.get("id"), str) and not isinstance(media.get("link"), str):
        raise Invalid(100, f"{kind}: one of {kind}.id or {kind}.link is required")
    _text(media, "caption", f"{kind}.caption", max_len=1024, required=False)


def _interactive(interactive: dict[str, Any]) -> None:
    kind = interactive.get("type")
    body = _obj(interactive, "body", "interactive.body")
    footer = interactive.get("footer")
    if isinstance(footer, dict):
        _text(footer, "text", "interactive.footer.text", max_len=60)
    action = _obj(interactive, "action", "interactive.action")
    if kind == "button":
        _text(body, "text", "interactive.body.text", max_len=1024)
        _buttons(_list(action, "buttons", "interactive.action.buttons"))
    elif kind == "list":
        _text(body, "text", "interactive.body.text", max_len=4096)
        header = interactive.get("header")
        if isinstance(header, dict):
            _text(header, "text", "interactive.header.text", max_len=60)
        _text(action, "button", "interactive.action.button", max_len=20)
        _sections(_list(action, "sections", "interactive.action.sections"))
    else:
        raise Invalid(100, f"interactive.type: {kind!r} is not one of 'button', 'list'")


def _buttons(buttons: list[Any]) -> None:
    path = "interactive.action.buttons"
    if not 1 <= len(buttons) <= 3:
        raise Invalid(131009, f"{path}: between 1 and 3 buttons, got {len(buttons)}")
    titles: set[str] = set()
    for i, button in enumerate(buttons):
        if not isinstance(button, dict):
            raise Invalid(100, f"{path}[{i}]: must be an object")
        reply = _obj(button, "reply", f"{path}[{i}].reply")
        _text(reply, "id", f"{path}[{i}].reply.id", max_len=256)
        title = _text(reply, "title", f"{path}[{i}].reply.title", max_len=20)
        if title in titles:
            raise Invalid(131009, f"{path}[{i}].reply.title: {title!r} is not unique")
        titles.add(title or "")


def _sections(sections: list[Any]) -> None:
    path = "interactive.action.sections"
    if not 1 <= len(sections) <= 10:
        raise Invalid(131009, f"{path}: between 1 and 10 sections, got {len(sections)}")
    total = 0
    for i, section in enumerate(sections):
        if not isinstance(section, dict):
            raise Invalid(100, f"{path}[{i}]: must be an object")
        _text(section, "title", f"{path}[{i}].title", max_len=24, required=len(sections) > 1)
        rows = _list(section, "rows", f"{path}[{i}].rows")
        total += len(rows)
        for j, row in enumerate(rows):
            if not isinstance(row, dict):
                raise Invalid(100, f"{path}[{i}].rows[{j}]: must be an object")
            _text(row, "id", f"{path}[{i}].rows[{j}].id", max_len=200)
            _text(row, "title", f"{path}[{i}].rows[{j}].title", max_len=24)
            _text(row, "description", f"{path}[{i}].rows[{j}].description", max_len=72,
                  required=False)  # fmt: skip
    if not 1 <= total <= 10:
        raise Invalid(131009, f"{path}[].rows: between 1 and 10 rows in all sections, got {total}")


def _template(template: dict[str, Any]) -> None:
    _text(template, "name", "template.name", max_len=512)
    language = _obj(template, "language", "template.language")
    _text(language, "code", "template.language.code", max_len=15)
    components = template.get("components")
    if components is not None and not isinstance(components, list):
        raise Invalid(100, "template.components: must be an array")
