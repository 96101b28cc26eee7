"""A workspace's crm settings, on `crm.evt.<ws>.crm-settings`: custom fields and consent keywords.

One aggregate for both because both are small, rarely changed and read together by whoever
checks a contact (its field values) or an inbound message (its STOP words).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from pydantic import ValidationError

from parley.contracts.crm import stop_words
from parley.contracts.crm.events import ConsentKeywordsChanged, FieldDefined, FieldRemoved
from parley.contracts.crm.fields import FieldDefinition, FieldType
from parley.contracts.crm.queries import Problem
from parley.contracts.crm.stop_words import ConsentKeywords
from parley.contracts.messages import Message

FIELD_INVALID = "FIELD_INVALID"
FIELD_NOT_FOUND = "FIELD_NOT_FOUND"
FIELD_TYPE_FIXED = "FIELD_TYPE_FIXED"
KEYWORDS_INVALID = "KEYWORDS_INVALID"
MAX_FIELDS = 100


class SettingsRefused(Exception):
    def __init__(self, code: str, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.problems: tuple[Problem, ...] = tuple(problems)


@dataclass(frozen=True)
class CrmSettings:
    fields: Mapping[str, FieldDefinition] = field(default_factory=dict)
    languages: tuple[str, ...] = stop_words.DEFAULT_LANGUAGES
    extra_keywords: tuple[str, ...] = ()

    @property
    def keywords(self) -> ConsentKeywords:
        return ConsentKeywords(languages=self.languages, extra_keywords=self.extra_keywords)


@dataclass(frozen=True)
class DefineField:
    key: str
    label: str
    type: FieldType | None
    choices: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class RemoveField:
    key: str
    at: datetime


@dataclass(frozen=True)
class ChangeKeywords:
    languages: tuple[str, ...]
    extra_keywords: tuple[str, ...]
    at: datetime


SettingsCommand = DefineField | RemoveField | ChangeKeywords


def evolve(state: CrmSettings, event: Message) -> CrmSettings:
    if isinstance(event, FieldDefined):
        return replace(state, fields={**state.fields, event.field.key: event.field})
    if isinstance(event, FieldRemoved):
        return replace(state, fields={k: v for k, v in state.fields.items() if k != event.key})
    if isinstance(event, ConsentKeywordsChanged):
        return replace(state, languages=event.languages, extra_keywords=event.extra_keywords)
    return state


def decide(state: CrmSettings, command: SettingsCommand) -> list[Message]:
    if isinstance(command, DefineField):
        return _define(state, command)
    if isinstance(command, RemoveField):
        if command.key not in state.fields:
            raise SettingsRefused(FIELD_NOT_FOUND, f"no field {command.key!r}")
        return [FieldRemoved(key=command.key, at=command.at)]
    return _keywords(state, command)


def _define(state: CrmSettings, command: DefineField) -> list[Message]:
    existing = state.fields.get(command.key)
    kind = command.type or (existing.type if existing else None)
    if kind is None:
        raise SettingsRefused(
            FIELD_INVALID, "a new field needs a type", [Problem(field="type", rule="is required")]
        )
    if existing is not None and kind != existing.type:
        raise SettingsRefused(
            FIELD_TYPE_FIXED,
            f"field {command.key!r} is a {existing.type} field; its type never changes "
            "(remove it and define a new one)",
            [Problem(field="type", rule=f"must stay {existing.type}")],
        )
    if existing is None and len(state.fields) >= MAX_FIELDS:
        raise SettingsRefused(
            FIELD_INVALID,
            f"a workspace has at most {MAX_FIELDS} fields",
            [Problem(field="key", rule=f"at most {MAX_FIELDS} fields")],
        )
    problems: list[Problem] = []
    choices = tuple(dict.fromkeys(c.strip() for c in command.choices if c.strip()))
    if kind == "choice" and not choices:
        problems.append(Problem(field="choices", rule="a choice field needs at least one choice"))
    if kind != "choice" and choices:
        problems.append(Problem(field="choices", rule="only a choice field has choices"))
    label = command.label.strip() or (existing.label if existing else command.key)
    try:
        definition = FieldDefinition(key=command.key, label=label, type=kind, choices=choices)
    except ValidationError as err:
        problems += [
            Problem(field=".".join(str(p) for p in e["loc"]) or "key", rule=e["msg"])
            for e in err.errors()
        ]
    if problems:
        raise SettingsRefused(FIELD_INVALID, f"the field has {len(problems)} problem(s)", problems)
    if definition == existing:
        return []
    return [FieldDefined(field=definition, at=command.at)]


def _keywords(state: CrmSettings, command: ChangeKeywords) -> list[Message]:
    problems: list[Problem] = []
    languages: list[str] = []
    for n, language in enumerate(command.languages):
        base = language.strip().lower()
        if base not in stop_words.SUPPORTED_LANGUAGES:
            supported = ", ".join(stop_words.SUPPORTED_LANGUAGES)
            problems.append(Problem(field=f"languages[{n}]", rule=f"must be one of: {supported}"))
        elif base not in languages:
            languages.append(base)
    extra: list[str] = []
    for n, word in enumerate(command.extra_keywords):
        clean = stop_words.normalize(word)
        if not clean or len(clean) > 100:
            problems.append(
                Problem(field=f"extra_keywords[{n}]", rule="must be 1-100 letters or digits")
            )
        elif clean not in extra:
            extra.append(clean)
    if problems:
        raise SettingsRefused(
            KEYWORDS_INVALID, f"the keywords have {len(problems)} problem(s)", problems
        )
    if (tuple(languages), tuple(extra)) == (state.languages, state.extra_keywords):
        return []
    return [
        ConsentKeywordsChanged(
            languages=tuple(languages), extra_keywords=tuple(extra), at=command.at
        )
    ]
