"""CSV import through the running crm service: start-import's checks, the rows' fates, the
report, dedupe within the file, a file that is not UTF-8, the listings and their cursors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nats.aio.client import Client as NatsClient

from parley.contracts.crm.imports import (
    ImportErrorPage,
    ImportPage,
    ImportTotals,
    ListImportErrors,
    ListImports,
    RowError,
)
from parley.contracts.ids import contact_id_for
from parley.crm.adapters.aggregates import contact_subject
from parley.crm.adapters.contact_writer import contact_aggregates
from parley.crm.testing.harness import QueryFailed, ask
from parley.crm.testing.imports import (
    csv_text,
    define_import_fields,
    import_errors,
    start_import,
    upload_csv,
    wait_for_import,
)
from parley.runtime.service import Service

HEADER = ("Phone", "Name", "Plan", "Spend", "Tags", "Stage", "Agreed")
MAPPING = {
    "Phone": "phone",
    "Name": "name",
    "Plan": "field:plan",
    "Spend": "field:spend",
    "Tags": "tags",
    "Stage": "stage",
    "Agreed": "opted_in",
}


async def define_fields(crm: Service, nc: NatsClient, ws: str) -> None:
    await define_import_fields(nc, ws)


async def test_an_import_writes_good_rows_and_reports_the_bad_ones(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    await define_fields(crm, nc, ws)
    text = csv_text(
        HEADER,
        ["+351912000001", "Ana", "pro", "10", "vip; news", "lead", "yes"],
        ["+351912000002", "Bruno", "Gold", "10", "", "", ""],  # bad choice
        ["", "", "", "", "", "", ""],  # a blank line: no row
        ["+351 12", "Carla", "Free", "x", "", "boss", ""],  # three bad cells
        ["+351912000001", "Ana Maria", "", "12,5", "later", "customer", ""],  # same contact
        ["", "Nobody", "", "", "", "", ""],  # no key
        ["+351912000003", "Dina"],  # short row
    )
    started = await start_import(
        nc,
        ws,
        "imp-small",
        MAPPING,
        csv_file=text,
        dedupe="fill",
        tags=("Spring fair",),
        consent_source="spring fair form",
        consent_wording="Yes, message me on WhatsApp",
    )
    assert started.ok, started
    assert started.job is not None
    assert started.job.status == "running"

    job = await wait_for_import(nc, ws, "imp-small", timeout=60)
    assert job.status == "completed", job.error
    assert job.totals == ImportTotals(rows=6, created=1, updated=1, unchanged=0, rejected=4)
    assert job.finished_at is not None

    errors = await import_errors(nc, ws, "imp-small")
    assert [(e.row, e.column) for e in errors] == [
        (2, "Plan"),
        (4, "Phone"),
        (4, "Spend"),
        (4, "Stage"),
        (6, "Phone"),
        (7, ""),
    ]
    assert errors[0].reason == "must be one of: Free, Pro"
    assert errors[4].reason == "is empty: each row needs a phone number or a user id"
    assert errors[5].reason == "has 2 cells where the header has 7"

    # Row 5 merged into row 1's contact by the fill rule: the empty attributes and fields only.
    # Read from the contact's log: the contacts read model may trail a big backlog of events.
    contact_id = contact_id_for(ws, "351912000001")
    contact, _ = await contact_aggregates(nc).load(contact_subject(ws, contact_id))
    assert contact.exists
    assert contact.name == "Ana"  # fill: already set, kept
    assert contact.fields == {"plan": "Pro", "spend": 10.0}
    assert set(contact.tags) == {"spring fair", "vip", "news", "later"}
    assert contact.stage == "lead"
    assert contact.source == "import"
    assert contact.consent_state == "opted_in"
    assert contact.opted_in is not None
    assert contact.opted_in.source == "spring fair form"
    assert contact.opted_in.wording == "Yes, message me on WhatsApp"


async def test_start_import_refuses_a_bad_request_naming_each_problem(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    await define_fields(crm, nc, ws)
    await upload_csv(
        nc, ws, "imp-bad-map", csv_text(("Mobile", "Name", "Colour"), ["+351912000001", "A", "red"])
    )
    refused = await start_import(
        nc,
        ws,
        "imp-bad-map",
        {"Phone": "phone", "Name": "nickname", "Colour": "field:colour"},
    )
    assert not refused.ok
    assert refused.code == "IMPORT_INVALID"
    assert {p.field for p in refused.problems} == {
        "mapping.Phone",
        "mapping.Name",
        "mapping.Colour",
        "mapping",
    }

    missing = await start_import(nc, ws, "imp-nothing-uploaded", {"Phone": "phone"})
    assert (missing.ok, missing.code) == (False, "IMPORT_FILE_MISSING")

    first = await start_import(
        nc, ws, "imp-twice", {"Mobile": "phone"}, csv_file=csv_text(("Mobile",), ["+351912000009"])
    )
    assert first.ok
    again = await start_import(nc, ws, "imp-twice", {"Mobile": "phone"})
    assert (again.ok, again.code) == (False, "IMPORT_EXISTS")
    assert (await wait_for_import(nc, ws, "imp-twice")).totals.created == 1


async def test_a_file_that_is_not_utf8_fails_saying_so(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    good = "".join(f"+3519120{n:05d},Name {n}\n" for n in range(1, 3001))
    data = ("Phone,Name\n" + good).encode() + "+351912999999,Jos\xe9\n".encode("latin-1")
    started = await start_import(
        nc, ws, "imp-latin1", {"Phone": "phone", "Name": "name"}, csv_file=data
    )
    assert started.ok, started
    job = await wait_for_import(nc, ws, "imp-latin1", timeout=60)
    assert job.status == "failed"
    assert job.error.startswith("the file is not UTF-8 text"), job.error
    # The rows before the bad bytes were taken, and said so by the progress before the failure.
    assert job.totals.created >= 2000


async def test_listings_page_newest_first_and_errors_in_row_order(
    crm: Service, nc: NatsClient, unique: Callable[[str], str]
) -> None:
    ws = unique("ws")
    rows = [[f"+351912{n:06d}" if n % 2 else "not a phone"] for n in range(1, 8)]
    for name in ("imp-a", "imp-b", "imp-c"):
        result = await start_import(
            nc, ws, name, {"Phone": "phone"}, csv_file=csv_text(("Phone",), *rows), dedupe="skip"
        )
        assert result.ok, result
        await wait_for_import(nc, ws, name)

    seen: list[str] = []
    cursor = ""
    while True:
        page = await ask(nc, ws, ListImports(limit=2, cursor=cursor), ImportPage)
        seen.extend(job.import_id for job in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == ["imp-c", "imp-b", "imp-a"]

    errors = await import_errors(nc, ws, "imp-b")  # pages of 1000: one page
    assert [e.row for e in errors] == [2, 4, 6]
    paged: list[RowError] = []
    cursor = ""
    while True:
        query = ListImportErrors(import_id="imp-b", limit=1, cursor=cursor)
        error_page = await ask(nc, ws, query, ImportErrorPage)
        paged.extend(error_page.items)
        if error_page.next_cursor is None:
            break
        cursor = error_page.next_cursor
    assert paged == errors
    # Another workspace sees none of it.
    other = await ask(nc, unique("other-ws"), ListImports(), ImportPage)
    assert other.items == (), other
    with pytest.raises(QueryFailed) as unknown:
        await ask(nc, unique("other-ws"), ListImportErrors(import_id="imp-b"), ImportErrorPage)
    assert unknown.value.code == "404"
