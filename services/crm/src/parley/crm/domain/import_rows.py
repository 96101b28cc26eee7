"""A CSV file's header and mapping checked once, then each row turned into a contact or errors.

Pure: no I/O. `plan_import` refuses a mapping with every problem at once, each naming
`mapping.<column>` (or the request field) and the rule. `read_row` takes one CSV record and
returns the ContactInput to write, or the RowErrors saying which column and why; a row with any
error is rejected whole, so a contact is never imported half-right. Reasons never quote the
cell's value: the error report outlives an erasure of the contact it would have been.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import phonenumbers

from parley.contracts.crm.contacts import LIFECYCLE_STAGES, FieldValue, LifecycleStage
from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.imports import BUILTIN_TARGETS, RowError
from parley.contracts.crm.queries import ContactInput, Problem
from parley.crm.domain import profile
from parley.crm.domain.field_values import InvalidValue, coerce
from parley.crm.domain.phones import InvalidPhone, parse_phone

FIELD_PREFIX = "field:"
KEY_TARGETS = ("phone", "user_id")
# Targets several columns may fill: their cells add up (tags) or are not read at all.
_REPEATABLE = frozenset({"tags", "ignore"})
_TAG_SPLIT = re.compile(r"[,;]")
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
MAX_TAG = profile.MAX_TAG_LENGTH
MAX_FIELDS = 100  # ContactInput's limit
MAX_TAGS = profile.MAX_TAGS  # the import's own tags included
_STAGES: dict[str, LifecycleStage] = {
    "new": "new",
    "lead": "lead",
    "qualified": "qualified",
    "customer": "customer",
    "churned": "churned",
}
_LIMITS = {"user_id": 128, "name": 256, "language": 35, "time_zone": 64}  # ContactInput's


class _BadCell(ValueError):
    """A cell breaking a rule of its target; the message is the rule."""


class MappingRefused(ValueError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{p.field} {p.rule}" for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class MappedColumn:
    index: int  # position in the header
    header: str
    target: str  # a built-in target, or the custom field's key when `definition` is set
    definition: FieldDefinition | None = None


@dataclass(frozen=True)
class ImportPlan:
    columns: tuple[MappedColumn, ...]  # the mapped columns, `ignore` left out
    width: int  # cells in the header: every row must have as many
    default_region: str = ""
    tags: tuple[str, ...] = ()  # added to every contact

    def header_of(self, target: str) -> str:
        """The header of the column filling `target` ("" when none does)."""
        return next((c.header for c in self.columns if c.target == target), "")


@dataclass(frozen=True)
class ReadRow:
    """One data row's outcome: a contact to write, or why not."""

    row: int
    contact: ContactInput | None = None
    key: str = ""  # the phone (E.164) or user id: rows of one contact are written in order
    opted_in: bool = False  # the row says yes to `opted_in`: write it with the import's evidence
    errors: tuple[RowError, ...] = ()


def plan_import(
    header: Sequence[str],
    mapping: Mapping[str, str],
    fields: Mapping[str, FieldDefinition],
    *,
    default_region: str = "",
    tags: Sequence[str] = (),
    consent_source: str = "",
) -> ImportPlan:
    """The plan for the file whose first record is `header`; raises MappingRefused."""
    problems: list[Problem] = []
    names = [cell.strip() for cell in header]
    if not any(names):
        raise MappingRefused([Problem(field="file", rule="has no header row (the first line)")])
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in positions:
            problems.append(Problem(field=f"file.header.{name}", rule="appears more than once"))
        positions.setdefault(name, index)
    by_fold = {name.casefold(): name for name in reversed(names)}

    columns: list[MappedColumn] = []
    filled: dict[str, str] = {}  # target -> header of the column filling it
    for column, raw_target in mapping.items():
        where = f"mapping.{column}"
        name = column.strip()
        name = name if name in positions else by_fold.get(name.casefold(), "")
        if not name:
            problems.append(Problem(field=where, rule="is not a column of the file's header"))
            continue
        target = raw_target.strip()
        definition: FieldDefinition | None = None
        if target.startswith(FIELD_PREFIX):
            key = target[len(FIELD_PREFIX) :]
            definition = fields.get(key)
            if definition is None:
                rule = f"names field {key!r}, which is not defined in this workspace"
                problems.append(Problem(field=where, rule=rule))
                continue
        elif target not in BUILTIN_TARGETS:
            known = ", ".join(BUILTIN_TARGETS)
            rule = f"has unknown target {target!r}: use one of {known}, or field:<key>"
            problems.append(Problem(field=where, rule=rule))
            continue
        if target not in _REPEATABLE:
            if target in filled:
                rule = f"fills {target}, which column {filled[target]!r} already fills"
                problems.append(Problem(field=where, rule=rule))
                continue
            filled[target] = name
        if target != "ignore":
            kept = definition.key if definition else target
            columns.append(MappedColumn(positions[name], name, kept, definition))

    if not any(t in filled for t in KEY_TARGETS):
        rule = "must map a column to phone or user_id: they identify each contact"
        problems.append(Problem(field="mapping", rule=rule))
    if sum(1 for c in columns if c.definition) > MAX_FIELDS:
        rule = f"maps more than {MAX_FIELDS} custom fields"
        problems.append(Problem(field="mapping", rule=rule))
    if "opted_in" in filled and not consent_source.strip():
        rule = "is required when a column is mapped to opted_in: say where these people agreed"
        problems.append(Problem(field="consent_source", rule=rule))
    region = default_region.upper()
    if region and region not in phonenumbers.SUPPORTED_REGIONS:
        rule = "is not a country code phone numbers know (ISO 3166 alpha-2, e.g. PT)"
        problems.append(Problem(field="default_region", rule=rule))
    profile.tags(tags, "tags", problems)
    if problems:
        raise MappingRefused(problems)
    ordered = tuple(sorted(columns, key=lambda c: c.index))
    own = profile.tags(tags, "tags", [])
    return ImportPlan(ordered, len(names), region, own)


def read_row(plan: ImportPlan, row: int, cells: Sequence[str]) -> ReadRow | None:
    """Row `row` (1-based) of the file; None for a blank line, which is no row at all."""
    if not any(cell.strip() for cell in cells):
        return None
    if len(cells) != plan.width:
        reason = f"has {len(cells)} cells where the header has {plan.width}"
        return ReadRow(row, errors=(RowError(row=row, column="", reason=reason),))
    values: dict[str, object] = {}
    fields: dict[str, FieldValue | None] = {}
    tags: list[str] = list(plan.tags)
    errors: list[RowError] = []
    opted_in = False
    for column in plan.columns:
        cell = cells[column.index].strip()
        if not cell:
            continue
        try:
            if column.definition is not None:
                fields[column.target] = coerce(column.definition, cell)
            elif column.target == "tags":
                tags.extend(_tags(cell))
            elif column.target == "opted_in":
                opted_in = _yes_no(cell)
            else:
                values[column.target] = _builtin(plan, column.target, cell)
        except (_BadCell, InvalidValue) as err:
            errors.append(RowError(row=row, column=column.header, reason=str(err)))
    tags = _unique(tags)
    if len(tags) > MAX_TAGS and not errors:
        reason = f"makes {len(tags)} tags with the import's own; at most {MAX_TAGS}"
        errors.append(RowError(row=row, column=plan.header_of("tags"), reason=reason))
    key = str(values.get("phone") or values.get("user_id") or "")
    if not key and not errors:
        header = plan.header_of("phone") or plan.header_of("user_id")
        reason = "is empty: each row needs a phone number or a user id"
        errors.append(RowError(row=row, column=header, reason=reason))
    if errors:
        return ReadRow(row, errors=tuple(errors))
    contact = ContactInput(
        phone=str(values.get("phone", "")),
        user_id=str(values.get("user_id", "")),
        name=_text(values.get("name")),
        language=_text(values.get("language")),
        time_zone=_text(values.get("time_zone")),
        fields=fields,
        tags=tuple(tags),
        stage=_stage(values.get("stage")),
    )
    return ReadRow(row, contact=contact, key=key, opted_in=opted_in)


def _builtin(plan: ImportPlan, target: str, cell: str) -> str:
    if target == "phone":
        try:
            return parse_phone(cell, plan.default_region).e164
        except InvalidPhone as err:
            raise _BadCell(str(err)) from None  # the phone's rule, as the column's
    limit = _LIMITS.get(target)
    if limit is not None and len(cell) > limit:
        raise _BadCell(f"must be at most {limit} characters")
    if target == "stage":
        stage = cell.casefold()
        if stage not in LIFECYCLE_STAGES:
            raise _BadCell("must be one of: " + ", ".join(LIFECYCLE_STAGES))
        return stage
    # The same checks as a contact written through the API: one set of rules.
    problems: list[Problem] = []
    if target == "language":
        cell = profile.language(cell, target, problems)
    elif target == "time_zone":
        cell = profile.time_zone(cell, target, problems)
    if problems:
        raise _BadCell(problems[0].rule)
    return cell


def _tags(cell: str) -> list[str]:
    problems: list[Problem] = []
    tags = profile.tags([t for t in _TAG_SPLIT.split(cell) if t.strip()], "tags", problems)
    if problems:
        raise _BadCell("each tag " + problems[0].rule)
    return list(tags)


def _yes_no(cell: str) -> bool:
    word = cell.casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise _BadCell("must be yes or no (true/false, 1/0)")


def _text(value: object) -> str | None:
    return str(value) if value else None


def _stage(value: object) -> LifecycleStage | None:
    return _STAGES.get(str(value)) if value else None


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))  # first occurrence wins, order kept
