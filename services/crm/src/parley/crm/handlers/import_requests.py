"""start-import: check the request against the file's header, record it, hand it to the runner.

Only the header is read here (the first chunk or two of the stored file), so the gateway hears at
once about a mapping that names no column, a field the workspace lacks, a file that is not CSV.
The rows are the runner's: ImportStarted is appended expecting the import's subject empty (a
second start of one id is IMPORT_EXISTS), then a RunImport command goes to the durable consumer.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.crm.imports import (
    ImportStarted,
    ImportStartResult,
    ImportTotals,
    ImportView,
    RunImport,
    StartImport,
    import_object_name,
)
from parley.contracts.crm.queries import Problem
from parley.contracts.envelope import Envelope
from parley.contracts.subjects import command_subject, event_subject
from parley.crm.adapters.import_file import ImportFileMissing, ImportFiles, ImportFileUnreadable
from parley.crm.domain.import_rows import MappingRefused, plan_import
from parley.crm.handlers.import_runner import FieldsOf
from parley.runtime.eventstore import ConcurrencyError, EventStore
from parley.runtime.eventstore.store import envelope_headers

_IDS = uuid.UUID("0e6a8f41-93c2-4b7d-a1f5-6c2d8e4b9a07")


class ImportRequests:
    def __init__(
        self,
        nc: NatsClient,
        store: EventStore,
        files: ImportFiles,
        fields_of: FieldsOf,
        *,
        default_region: str = "",
    ) -> None:
        self._nc = nc
        self._default_region = default_region  # the service's, for a request that names none
        self._store = store
        self._files = files
        self._fields_of = fields_of

    async def start(self, workspace_id: str, query: StartImport) -> ImportStartResult:
        subject = event_subject("crm", workspace_id, query.import_id)
        region = (query.default_region or self._default_region).upper()
        if await self._store.last_sequence(subject):
            return _exists(query.import_id)
        try:
            header, _ = await self._files.header(import_object_name(workspace_id, query.import_id))
            plan_import(
                header,
                query.mapping,
                await self._fields_of(workspace_id),
                default_region=region,
                tags=query.tags,
                consent_source=query.consent_source,
            )
        except ImportFileMissing:
            return ImportStartResult(
                ok=False,
                code="IMPORT_FILE_MISSING",
                message=f"no uploaded file for {query.import_id}: upload it first",
            )
        except ImportFileUnreadable as err:
            problem = Problem(field="file", rule=str(err))
            return _invalid((problem,))
        except MappingRefused as refused:
            return _invalid(refused.problems)

        at = datetime.now(UTC)
        started = ImportStarted(
            import_id=query.import_id,
            file_name=query.file_name,
            mapping=query.mapping,
            dedupe=query.dedupe,
            at=at,
            tags=query.tags,
            consent_source=query.consent_source,
            consent_wording=query.consent_wording,
            default_region=region,
            by=query.by,
        )
        envelope = Envelope.wrap(started, workspace_id=workspace_id, occurred_at=at)
        try:
            await self._store.append(subject, [envelope], 0)
        except ConcurrencyError:
            return _exists(query.import_id)
        run = envelope.caused(
            RunImport(import_id=query.import_id),
            event_id=uuid.uuid5(_IDS, f"{workspace_id}|{query.import_id}"),
        )
        await self._nc.jetstream().publish(
            command_subject("crm", workspace_id, query.import_id),
            run.to_bytes(),
            headers=envelope_headers(run),
        )
        job = ImportView(
            import_id=query.import_id,
            file_name=query.file_name,
            status="running",
            dedupe=query.dedupe,
            totals=ImportTotals(),
            started_at=at,
        )
        return ImportStartResult(ok=True, job=job)


def _exists(import_id: str) -> ImportStartResult:
    message = f"import {import_id} was already started: choose a new import id"
    return ImportStartResult(ok=False, code="IMPORT_EXISTS", message=message)


def _invalid(problems: tuple[Problem, ...]) -> ImportStartResult:
    count = len(problems)
    message = f"the import cannot start: {count} problem{'s' if count != 1 else ''}"
    return ImportStartResult(ok=False, code="IMPORT_INVALID", message=message, problems=problems)
