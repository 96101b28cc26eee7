"""Checks on a contact's profile attributes: tags, language, time zone, custom field values.

Each check returns the normalized value or appends a Problem naming the field and the rule, so a
request with several mistakes hears about all of them at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parley.contracts.crm.contacts import FieldValue
from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.queries import Problem
from parley.crm.domain.field_values import InvalidValue, coerce

MAX_TAGS = 50
MAX_TAG_LENGTH = 64
# BCP 47, loosely: a 2-3 letter language, then subtags of 1-8 letters or digits ("pt-BR",
# "zh-Hant-TW", "es-419"). Full registry validation would refuse tags WhatsApp itself sends.
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def normalize_tag(raw: str) -> str:
    return " ".join(raw.split()).lower()


def tags(raw: Iterable[str], field: str, problems: list[Problem]) -> tuple[str, ...]:
    """Trimmed, lower case, 1-64 characters, each once, in the order given."""
    seen: dict[str, None] = {}
    for n, tag in enumerate(raw):
        clean = normalize_tag(tag)
        if not clean:
            problems.append(Problem(field=f"{field}[{n}]", rule="must not be empty"))
        elif len(clean) > MAX_TAG_LENGTH:
            problems.append(
                Problem(field=f"{field}[{n}]", rule=f"must be at most {MAX_TAG_LENGTH} characters")
            )
        else:
            seen[clean] = None
    return tuple(seen)


def usable_tags(raw: Iterable[str]) -> tuple[str, ...]:
    """The valid tags among `raw`, for sources that cannot be told about a bad one (a lead)."""
    return tags(raw, "tags", [])


def language(raw: str, field: str, problems: list[Problem]) -> str:
    text = raw.strip()
    if text and not _LANGUAGE.match(text):
        problems.append(
            Problem(field=field, rule="must be a BCP 47 language tag such as en or pt-BR")
        )
        return ""
    return text


@lru_cache(maxsize=2048)
def _zone_exists(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def time_zone(raw: str, field: str, problems: list[Problem]) -> str:
    text = raw.strip()
    if text and not _zone_exists(text):
        problems.append(
            Problem(field=field, rule="must be an IANA time zone such as Europe/Lisbon")
        )
        return ""
    return text


def field_values(
    raw: Mapping[str, FieldValue | None],
    definitions: Mapping[str, FieldDefinition],
    problems: list[Problem],
) -> tuple[dict[str, FieldValue], tuple[str, ...]]:
    """The values to set (coerced to each field's type) and the keys to unset (None values)."""
    values: dict[str, FieldValue] = {}
    unset: list[str] = []
    for key, value in raw.items():
        definition = definitions.get(key)
        if definition is None:
            problems.append(Problem(field=f"fields.{key}", rule="is not a defined field"))
        elif value is None:
            unset.append(key)
        else:
            try:
                values[key] = coerce(definition, value)
            except InvalidValue as bad:
                problems.append(Problem(field=f"fields.{key}", rule=str(bad)))
    return values, tuple(unset)
