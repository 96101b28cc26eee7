"""Checking a customer's reply at a Wait for reply node."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from parley.contracts.flows.nodes import ReplyValidation

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_NOISE = re.compile(r"[\s()\-.]")


@dataclass(frozen=True)
class Checked:
    ok: bool
    value: Any = None  # what `save_to` receives
    reason: str = ""


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Sí ' and 'si' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def check_reply(rule: ReplyValidation, text: str, button_id: str) -> Checked:
    if rule.kind == "none":
        return Checked(True, text)
    if rule.kind == "number":
        try:
            number = Decimal(text.strip().replace(",", "."))
        except InvalidOperation:
            return Checked(False, reason="expected a number")
        if not number.is_finite():
            return Checked(False, reason="expected a number")
        return Checked(True, int(number) if number == number.to_integral_value() else float(number))
    if rule.kind == "email":
        candidate = text.strip()
        if _EMAIL.match(candidate):
            return Checked(True, candidate)
        return Checked(False, reason="expected an e-mail address")
    if rule.kind == "phone":
        candidate = _PHONE_NOISE.sub("", text.strip())
        digits = candidate.removeprefix("+")
        if digits.isdigit() and 7 <= len(digits) <= 15:
            return Checked(True, candidate)
        return Checked(False, reason="expected a phone number")
    for option in rule.options:
        if button_id == option or fold(text) == fold(option):
            return Checked(True, option)
    return Checked(False, reason="expected one of: " + ", ".join(rule.options))
