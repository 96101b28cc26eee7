"""An import survives its crm: stopped mid-file it checkpoints and the next crm resumes it; a
runner that dies mid-window (no checkpoint) is redone from the last ImportProgressed, and the
rows written twice count once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.crm.contacts import ConsentEvidence, ContactSource
from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.imports import (
    DedupeRule,
    ImportCompleted,
    ImportProgressed,
    ImportTotals,
    StartImport,
)
from parley.contracts.crm.queries import ContactInput
from parley.contracts.streams import CRM
from parley.contracts.subjects import event_subject
from parley.crm.adapters.contact_writer import ContactRefused, ContactWriter
from parley.crm.adapters.import_file import ImportFiles
from parley.crm.app import build
from parley.crm.handlers.import_requests import ImportRequests
from parley.crm.handlers.import_runner import ImportRunner, Outcome
from parley.crm.settings import CrmSettings
from parley.crm.testing.imports import (
    CONTACTS_MAPPING,
    define_import_fields,
    import_errors,
    start_import,
    upload_csv,
    wait_for_import,
    write_contacts_csv,
)
from parley.runtime.embedded import free_port
from parley.runtime.eventstore import EventStore
from parley.runtime.service import Service
from parley.runtime.streams import ensure_stream
from parley.runtime.testing.plugin import eventually
from parley.runtime.testing.purge import purge_workspace

FIELDS = {
    "plan": FieldDefinition(key="plan", label="Plan", type="choice", choices=("Free", "Pro")),
    "spend": FieldDefinition(key="spend", label="Spend", type="number"),
}


async def _fields(workspace_id: str) -> dict[str, FieldDefinition]:
    del workspace_id
    return FIELDS


class DiesAfter:
    """The real writer, until the n-th row: then the runner's world ends (a crash, say)."""

    def __init__(self, writer: ContactWriter, rows: int) -> None:
        self.writer = writer
        self.left = rows
        self.keys: list[str] = []

    async def upsert(
        self,
        workspace_id: str,
        incoming: ContactInput,
        *,
        source: ContactSource,
        dedupe: DedupeRule,
        evidence: ConsentEvidence | None,
        idempotency_key: str,
    ) -> Outcome:
        self.left -= 1
        if self.left < 0:
            raise ConnectionError("gone")
        self.keys.append(idempotency_key)
        return await self.writer.upsert(
            workspace_id,
            incoming,
            source=source,
            dedupe=dedupe,
            evidence=evidence,
            idempotency_key=idempotency_key,
        )


async def test_a_runner_that_dies_mid_window_is_redone_from_its_last_progress(
    nc: NatsClient, js: JetStreamContext, unique: Callable[[str], str], tmp_path: Path
) -> None:
    await ensure_stream(js, CRM)
    ws = unique("ws")
    made = write_contacts_csv(tmp_path / "contacts.csv", 5_000)
    await upload_csv(nc, ws, "imp-crash", made.path)
    store, files = EventStore(nc, CRM.name), ImportFiles(nc)
    request = StartImport(import_id="imp-crash", mapping=CONTACTS_MAPPING, consent_source="form")
    assert (await ImportRequests(nc, store, files, _fields).start(ws, request)).ok

    dying = DiesAfter(ContactWriter(nc), rows=3_000)
    first = ImportRunner(store, files, dying, _fields, refused=ContactRefused, window=1_000)
    with pytest.raises(ConnectionError):
        await first.run(ws, "imp-crash")

    events = await store.load(event_subject("crm", ws, "imp-crash"))
    progress = [e.message for e in events if isinstance(e.message, ImportProgressed)]
    assert progress, "no progress was recorded before the crash"
    last_row = progress[-1].last_row
    assert 2_000 <= last_row < 3_100

    again = DiesAfter(ContactWriter(nc), rows=10**9)
    second = ImportRunner(store, files, again, _fields, refused=ContactRefused, window=1_000)
    await second.run(ws, "imp-crash")

    # It started after the last checkpoint, not at the top, and not after the crash point.
    rows_written = [int(key.rsplit(":", 1)[1]) for key in again.keys]
    assert min(rows_written) == last_row + 1
    events = await store.load(event_subject("crm", ws, "imp-crash"))
    [done] = [e.message for e in events if isinstance(e.message, ImportCompleted)]
    # Rows written by both runners are one contact each: the writer knows its idempotency key.
    assert done.totals == ImportTotals(rows=5_000, created=made.good, rejected=len(made.bad))
    reported = {
        (err.row, err.column)
        for e in events
        if isinstance(e.message, ImportProgressed | ImportCompleted)
        for err in e.message.errors
    }
    assert reported == set(made.bad)


@pytest.mark.bulk
@pytest.mark.timeout(300)
async def test_stopping_crm_mid_import_and_starting_another_resumes_it(
    crm: Service,
    nc: NatsClient,
    nats_url: str,
    database_url: str,
    unique: Callable[[str], str],
    tmp_path: Path,
) -> None:
    ws = unique("ws")
    await define_import_fields(nc, ws)
    made = write_contacts_csv(tmp_path / "contacts.csv", 20_000)
    result = await start_import(
        nc, ws, "imp-restart", CONTACTS_MAPPING, csv_file=made.path, consent_source="form"
    )
    assert result.ok, result

    async def under_way() -> bool:  # from the log: the read model may lag behind the rows
        return any(isinstance(m, ImportProgressed) for m in await ask_events(nc, ws))

    await eventually(under_way, timeout=120, interval=0.1)
    crm.stop()
    await eventually(lambda: crm.phase == "stopped", timeout=30)
    stopped_at = (await ask_events(nc, ws))[-1]
    assert isinstance(stopped_at, ImportProgressed), stopped_at  # checkpointed on the way out
    assert stopped_at.last_row < made.rows

    second = build(
        CrmSettings(nats_url=nats_url, database_url=database_url, health_port=free_port())
    )
    task = asyncio.create_task(second.run())
    try:
        await eventually(lambda: second.phase == "running", timeout=30)
        job = await wait_for_import(nc, ws, "imp-restart", timeout=240)
        errors = await import_errors(nc, ws, "imp-restart")
    finally:
        second.stop()
        await asyncio.wait_for(task, 15)
    assert job.status == "completed", job.error
    assert job.totals == ImportTotals(rows=20_000, created=made.good, rejected=len(made.bad))
    assert [(e.row, e.column) for e in errors] == list(made.bad)
    await purge_workspace(nc.jetstream(), ws)  # later tests' projections need not read it


async def ask_events(nc: NatsClient, ws: str) -> list[object]:
    events = await EventStore(nc, CRM.name).load(event_subject("crm", ws, "imp-restart"))
    return [e.message for e in events]
