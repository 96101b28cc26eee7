"""Driving a running crm's CSV import over NATS, as the gateway does: for tests and benchmarks.

    info = await upload_csv(nc, ws, "imp-1", path_or_bytes)   # into the imports bucket
    result = await start_import(nc, ws, "imp-1", {"Phone": "phone", "Name": "name"})
    job = await wait_for_import(nc, ws, "imp-1")               # until completed or failed
    errors = await import_errors(nc, ws, "imp-1")              # every RowError, in row order
    seconds = await run_time(nc, ws, "imp-1")                   # started -> completed, per its log

`write_contacts_csv` writes a file of N contacts with a known set of bad rows, streamed to disk
row by row, and returns what the import should report about it.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from nats.aio.client import Client as NatsClient
from nats.js.api import ObjectInfo

from parley.contracts.crm.imports import (
    DedupeRule,
    GetImport,
    ImportCompleted,
    ImportErrorPage,
    ImportFailed,
    ImportReply,
    ImportStarted,
    ImportStartResult,
    ImportView,
    ListImportErrors,
    RowError,
    StartImport,
    import_object_name,
)
from parley.contracts.crm.queries import ChangeField, FieldChangeResult
from parley.contracts.streams import CRM
from parley.contracts.subjects import event_subject
from parley.crm.adapters.import_file import open_bucket
from parley.crm.testing.harness import QueryFailed, ask
from parley.runtime.eventstore import EventStore


async def upload_csv(
    nc: NatsClient, workspace_id: str, import_id: str, source: bytes | str | Path | BinaryIO
) -> ObjectInfo:
    """Store the file as the gateway does (a Path or a binary file is streamed, not read whole;
    a str is the file's text)."""
    store = await open_bucket(nc)
    name = import_object_name(workspace_id, import_id)
    if isinstance(source, Path):
        with source.open("rb") as handle:
            return await store.put(name, handle)
    if isinstance(source, str):
        return await store.put(name, bytes(source, "utf-8"))
    if isinstance(source, bytes):
        return await store.put(name, source)
    return await store.put(name, cast(io.BufferedIOBase, source))  # read a chunk at a time


async def start_import(
    nc: NatsClient,
    workspace_id: str,
    import_id: str,
    mapping: Mapping[str, str],
    *,
    csv_file: bytes | str | Path | BinaryIO | None = None,
    file_name: str = "contacts.csv",
    dedupe: DedupeRule = "fill",
    tags: Sequence[str] = (),
    consent_source: str = "",
    consent_wording: str = "",
    default_region: str = "",
    by: str = "",
) -> ImportStartResult:
    """Ask crm to start the import (uploading `csv_file` first, when given)."""
    if csv_file is not None:
        await upload_csv(nc, workspace_id, import_id, csv_file)
    query = StartImport(
        import_id=import_id,
        file_name=file_name,
        mapping=dict(mapping),
        dedupe=dedupe,
        tags=tuple(tags),
        consent_source=consent_source,
        consent_wording=consent_wording,
        default_region=default_region,
        by=by,
    )
    return await ask(nc, workspace_id, query, ImportStartResult)


async def wait_for_import(
    nc: NatsClient, workspace_id: str, import_id: str, *, timeout: float = 120.0
) -> ImportView:
    """The import once it completed or failed, as get-import reads it; TimeoutError if not."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            job = (await ask(nc, workspace_id, GetImport(import_id=import_id), ImportReply)).job
            if job.status != "running":
                return job
        except QueryFailed as failed:
            if failed.code != "404":  # not yet in the read model
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"import {import_id} still running after {timeout:.0f}s")
        await asyncio.sleep(0.2)


async def run_time(nc: NatsClient, workspace_id: str, import_id: str) -> float:
    """Seconds from ImportStarted to ImportCompleted (or ImportFailed), as the import's log says:
    the runner's own time, without the read model's lag behind it."""
    subject = event_subject("crm", workspace_id, import_id)
    events = await EventStore(nc, CRM.name).load(subject)
    started = next(e.message.at for e in events if isinstance(e.message, ImportStarted))
    ended = next(
        e.message.at for e in events if isinstance(e.message, ImportCompleted | ImportFailed)
    )
    return (ended - started).total_seconds()


async def import_errors(nc: NatsClient, workspace_id: str, import_id: str) -> list[RowError]:
    """Every row error of the import, in row order, page after page."""
    errors: list[RowError] = []
    cursor = ""
    while True:
        query = ListImportErrors(import_id=import_id, limit=1000, cursor=cursor)
        page = await ask(nc, workspace_id, query, ImportErrorPage)
        errors.extend(page.items)
        if page.next_cursor is None:
            return errors
        cursor = page.next_cursor


async def define_import_fields(nc: NatsClient, workspace_id: str) -> None:
    """The fields CONTACTS_MAPPING names (plan: choice Free/Pro, spend: number), defined through
    crm (an import reads them from the log, so they count at once)."""
    for change in (
        ChangeField(
            action="define", key="plan", label="Plan", type="choice", choices=("Free", "Pro")
        ),
        ChangeField(action="define", key="spend", label="Spend", type="number"),
    ):
        result = await ask(nc, workspace_id, change, FieldChangeResult)
        if not result.ok:
            raise AssertionError(f"crm refused field {change.key}: {result.problems}")


# -- files with known mistakes -------------------------------------------------------------

CONTACTS_HEADER = ("Phone", "Name", "Plan", "Spend", "Tags", "Stage", "Agreed")
CONTACTS_MAPPING = {
    "Phone": "phone",
    "Name": "name",
    "Plan": "field:plan",  # a choice field: Free, Pro
    "Spend": "field:spend",  # a number field
    "Tags": "tags",
    "Stage": "stage",
    "Agreed": "opted_in",
}
# The kinds of bad row, in turn, and the column each is reported under.
BAD_KINDS: tuple[tuple[str, str], ...] = (
    ("bad phone", "Phone"),
    ("bad number", "Spend"),
    ("bad choice", "Plan"),
    ("unknown stage", "Stage"),
    ("empty phone", "Phone"),
)


@dataclass(frozen=True)
class ContactsFile:
    path: Path
    rows: int
    good: int
    bad: tuple[tuple[int, str], ...]  # (row, column) of every error the import must report


def write_contacts_csv(path: Path, rows: int, *, bad_every: int = 100) -> ContactsFile:
    """`rows` (< 10 million) distinct contacts with valid Portuguese mobile numbers, every
    `bad_every`-th one broken in the next way of BAD_KINDS."""
    bad: list[tuple[int, str]] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(CONTACTS_HEADER)
        for row in range(1, rows + 1):
            cells = [
                f"+35191{row:07d}",
                f"Person {row}",
                "Pro" if row % 2 else "free",
                f"{row % 500}.5",
                "customers;2026" if row % 3 else "",
                "lead",
                "yes" if row % 4 else "no",
            ]
            if row % bad_every == 0:
                kind, column = BAD_KINDS[(row // bad_every - 1) % len(BAD_KINDS)]
                _break(cells, kind)
                bad.append((row, column))
            out.writerow(cells)
    return ContactsFile(path, rows, rows - len(bad), tuple(bad))


def _break(cells: list[str], kind: str) -> None:
    if kind == "bad phone":
        cells[0] = "+351 12"
    elif kind == "bad number":
        cells[3] = "a lot"
    elif kind == "bad choice":
        cells[2] = "Gold"
    elif kind == "unknown stage":
        cells[5] = "boss"
    else:
        cells[0] = ""


def csv_text(header: Sequence[str], *rows: Sequence[str]) -> str:
    """A small CSV file's text, quoted as csv.writer quotes."""
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(header)
    out.writerows(rows)
    return buffer.getvalue()
