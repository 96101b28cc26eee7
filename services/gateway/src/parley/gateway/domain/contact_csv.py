"""Contacts as CSV rows: the export's header and lines, one page at a time (pure, no I/O).

The columns are named as the import's targets (`phone`, `name`, `tags`, ... and `field:<key>`),
so an exported file imports back with the obvious mapping. A cell a spreadsheet would run as a
formula (starting with `=`, `@`, a tab or a carriage return, or `+`/`-` followed by anything but
a number, such as `+SUM(...)`) is prefixed with `'`; a phone number such as `+351...` is left
as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from parley.contracts.crm.contacts import ContactView, FieldValue

BUILTIN_COLUMNS: tuple[str, ...] = (
    "contact_id",
    "phone",
    "user_id",
    "name",
    "language",
    "time_zone",
    "tags",
    "stage",
    "source",
    "consent",
    "opted_in_at",
    "opted_in_source",
    "opted_out_at",
    "last_inbound_at",
    "created_at",
)
_FORMULA = re.compile(r"^[=@\t\r]|^[+\-](?![\d\s().]*$)")


def header(field_keys: Sequence[str]) -> list[str]:
    return [*BUILTIN_COLUMNS, *(f"field:{key}" for key in field_keys)]


def safe_cell(value: str) -> str:
    return f"'{value}" if _FORMULA.match(value) else value


def _value(value: FieldValue | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def row(contact: ContactView, field_keys: Sequence[str]) -> list[str]:
    consent = contact.consent
    opted_in = consent.opted_in
    cells = [
        contact.contact_id,
        contact.phone,
        contact.user_id,
        contact.name,
        contact.language,
        contact.time_zone,
        ";".join(contact.tags),
        contact.stage,
        contact.source,
        consent.state,
        opted_in.at.isoformat() if opted_in else "",
        opted_in.source if opted_in else "",
        consent.opted_out_at.isoformat() if consent.opted_out_at else "",
        contact.last_inbound_at.isoformat() if contact.last_inbound_at else "",
        contact.created_at.isoformat(),
        *(_value(contact.fields.get(key)) for key in field_keys),
    ]
    return [safe_cell(cell) for cell in cells]


def lines(rows: Iterable[Sequence[str]]) -> bytes:
    """The rows as CSV (RFC 4180: CRLF line ends, quotes where needed), UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def page_lines(contacts: Iterable[ContactView], field_keys: Sequence[str]) -> bytes:
    """One page of contacts as CSV lines; erased contacts hold no data worth a row."""
    return lines(row(c, field_keys) for c in contacts if not c.erased)
