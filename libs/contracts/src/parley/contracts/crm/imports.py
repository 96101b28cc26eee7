"""CSV import and export of contacts.

The gateway streams an uploaded file into the JetStream object store bucket `IMPORTS_BUCKET`
under `import_object_name(workspace_id, import_id)`, then asks crm to `start-import`; crm reads
it back row by row (never the whole file in memory), records each row's fate and reports
progress as events on `crm.evt.<ws>.<import_id>`. Rows that cannot be taken are listed with
row, column and reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.crm.queries import CursorField, LimitField, Problem
from parley.contracts.messages import Command, Event, Query, Reply

IMPORTS_BUCKET = "crm_imports"


def import_object_name(workspace_id: str, import_id: str) -> str:
    """The object an import's file is stored under: named by workspace too, so one workspace
    can neither collide with nor start an import of another's upload."""
    return f"{workspace_id}/{import_id}"


ImportIdField = Field(min_length=1, max_length=64, pattern=r"^imp-[A-Za-z0-9_\-]+$")
# ISO 3166 alpha-2: the country of numbers the file writes without '+' and a country code.
RegionField = Field(default="", pattern=r"^([A-Za-z]{2})?$")

# What a CSV column may fill: a built-in attribute, `field:<key>` for a custom field, or
# `ignore`. Tags in one cell are separated by commas or semicolons.
BUILTIN_TARGETS: tuple[str, ...] = (
    "phone",
    "user_id",
    "name",
    "language",
    "time_zone",
    "tags",
    "stage",
    "opted_in",  # yes/no/true/false/1/0: with the import's evidence
    "ignore",
)
# skip: an existing contact is left alone; fill: only its empty attributes are set;
# overwrite: the file's values replace its own (tags are added either way).
DedupeRule = Literal["skip", "fill", "overwrite"]
ImportStatus = Literal["running", "completed", "failed"]


class ImportTotals(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    rows: int = 0  # data rows read so far (the header is not a row)
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # duplicates skipped, or nothing new
    rejected: int = 0


class RowError(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    row: int  # 1-based data row; the header is row 0
    column: str  # the CSV column's header, or "" when the row as a whole is wrong
    reason: str


class StartImport(Query, wire_name="crm.StartImport", version=1):
    import_id: str = ImportIdField
    file_name: str = Field(default="contacts.csv", max_length=200)
    mapping: dict[str, str] = Field(min_length=1, max_length=200)  # column header -> target
    dedupe: DedupeRule = "fill"
    tags: tuple[str, ...] = Field(default=(), max_length=10)  # added to every imported contact
    consent_source: str = Field(default="", max_length=200)  # evidence for `opted_in` cells
    consent_wording: str = Field(default="", max_length=2000)
    by: str = Field(default="", max_length=200)
    default_region: str = RegionField


class ImportView(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    import_id: str
    file_name: str
    status: ImportStatus
    dedupe: DedupeRule
    totals: ImportTotals
    error: str = ""  # why a failed import stopped
    started_at: datetime
    finished_at: datetime | None = None


class ImportStartResult(Reply, wire_name="crm.ImportStartResult", version=1):
    ok: bool
    code: str = ""  # IMPORT_INVALID, IMPORT_EXISTS, IMPORT_FILE_MISSING
    message: str = ""
    problems: tuple[Problem, ...] = ()
    job: ImportView | None = None


class GetImport(Query, wire_name="crm.GetImport", version=1):
    import_id: str = ImportIdField


class ImportReply(Reply, wire_name="crm.ImportReply", version=1):
    job: ImportView


class ListImports(Query, wire_name="crm.ListImports", version=1):
    limit: int = LimitField
    cursor: str = CursorField


class ImportPage(Reply, wire_name="crm.ImportPage", version=1):
    items: tuple[ImportView, ...]
    next_cursor: str | None = None


class ListImportErrors(Query, wire_name="crm.ListImportErrors", version=1):
    """The rejected rows, in row order."""

    import_id: str = ImportIdField
    limit: int = Field(default=100, ge=1, le=1000)
    cursor: str = CursorField


class ImportErrorPage(Reply, wire_name="crm.ImportErrorPage", version=1):
    items: tuple[RowError, ...]
    next_cursor: str | None = None


class ImportStarted(Event, wire_name="crm.ImportStarted", version=1):
    import_id: str
    file_name: str
    mapping: dict[str, str]
    dedupe: DedupeRule
    at: datetime
    # The rest of the request, so the import can be run (and resumed) from its log alone.
    tags: tuple[str, ...] = ()
    consent_source: str = ""
    consent_wording: str = ""
    default_region: str = ""
    by: str = ""


class RunImport(Command, wire_name="crm.RunImport", version=1):
    """Read the import's file and write its rows, on `crm.cmd.<ws>.<import_id>` (Nats-Msg-Id
    `run:<import_id>`). Everything else is in its ImportStarted; a redelivery (crm restarted
    mid-import) resumes after the rows its last ImportProgressed counted."""

    import_id: str = ImportIdField


class ImportProgressed(Event, wire_name="crm.ImportProgressed", version=1):
    """Every few thousand rows, and with the rows rejected since the last one."""

    import_id: str
    totals: ImportTotals
    errors: tuple[RowError, ...] = ()
    at: datetime
    # Every data row up to this one (blank lines included) is done: a resumed run starts after it.
    last_row: int = 0


class ImportCompleted(Event, wire_name="crm.ImportCompleted", version=1):
    import_id: str
    totals: ImportTotals
    errors: tuple[RowError, ...] = ()  # the last rejections, not yet reported
    at: datetime


class ImportFailed(Event, wire_name="crm.ImportFailed", version=1):
    import_id: str
    totals: ImportTotals
    reason: str
    at: datetime
