"""E-mail addresses as account names: compared and stored lower-cased."""

from __future__ import annotations

import re

MAX_LENGTH = 254
# Deliberately loose: one @, something on each side, a dot in the domain, no spaces. Whether the
# address receives mail is for a confirmation e-mail to find out, not a regular expression.
_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    """Why a normalized address is not acceptable, in words; None when it is."""
    if len(email) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters long"
    if not _SHAPE.match(email):
        return "must be an e-mail address such as name@example.com"
    return None
