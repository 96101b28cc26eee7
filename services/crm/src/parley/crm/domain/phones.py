"""Phone numbers: whatever notation a person or a file uses, stored as E.164.

The contact's key is the number's digits without the '+', which is what WhatsApp calls the wa_id,
so a contact imported from a file and the same person writing in are one contact.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat


@dataclass(frozen=True)
class Phone:
    e164: str  # "+351912345678"

    @property
    def wa_id(self) -> str:
        return self.e164[1:]


class InvalidPhone(ValueError):
    """The rule the number broke, in words a person can act on."""


def parse_phone(raw: str, default_region: str = "", *, trusted: bool = False) -> Phone:
    """`raw` in any common notation; without a leading '+' or '00' it needs `default_region`
    (ISO 3166 alpha-2, e.g. "PT"). Raises InvalidPhone saying why not.

    `trusted` is for a number WhatsApp itself reported (a sender's wa_id): it only has to be
    possible, because WhatsApp knows numbers newer than the metadata of the phonenumbers release
    (and test ranges such as +1 555 01xx are possible but not valid)."""
    text = raw.strip()
    if not text:
        raise InvalidPhone("must not be empty")
    if text.startswith("00"):
        text = "+" + text[2:]
    region = default_region.upper() or None
    if not text.startswith("+") and region is None:
        if text.isdigit() and len(text) >= 8:
            text = "+" + text  # a bare wa_id, as WhatsApp reports senders
        else:
            raise InvalidPhone("must start with + and the country code (e.g. +351912345678)")
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as err:
        raise InvalidPhone(f"is not a phone number ({_reason(err)})") from err
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone("has the wrong number of digits for its country")
    if not trusted and not phonenumbers.is_valid_number(number):
        raise InvalidPhone("is not a valid number in its country")
    return Phone(phonenumbers.format_number(number, PhoneNumberFormat.E164))


def _reason(err: NumberParseException) -> str:
    reasons = {
        NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        NumberParseException.NOT_A_NUMBER: "not a number",
        NumberParseException.TOO_SHORT_NSN: "too short",
        NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
        NumberParseException.TOO_LONG: "too long",
    }
    return reasons.get(err.error_type, "unreadable")
