"""Runs an import: its file read row by row, each good row written, progress recorded.

A RunImport command (published by start-import) is handled by a durable consumer, so a crm that
stops mid-import is handed the command again and carries on: the import's own log says how far
it got (the `last_row` of its latest ImportProgressed), rows up to there are skipped, and the
few rows written since are written again harmlessly, since the writer's idempotency key is
`<import_id>:<row>`.

Memory stays flat whatever the file's size: the file is spooled to disk and read one record at a
time, at most `in_flight` rows are being written at once, and a window of rows ends (with an
ImportProgressed holding its totals and errors) every `window` rows or `max_errors` errors, so
nothing grows with the file but the counts. Rows of one contact (the same phone twice in a file)
are written one after the other, so the second merges into the first by the dedupe rule; that
needs only the keys of the window's rows, not a set of every contact seen.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

import structlog
from nats.aio.msg import Msg

from parley.contracts.crm.contacts import ConsentEvidence, ContactSource
from parley.contracts.crm.fields import FieldDefinition
from parley.contracts.crm.imports import (
    DedupeRule,
    ImportCompleted,
    ImportFailed,
    ImportProgressed,
    ImportStarted,
    ImportTotals,
    RowError,
    RunImport,
    import_object_name,
)
from parley.contracts.crm.queries import ContactInput, Problem
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Message
from parley.contracts.registry import registry
from parley.contracts.streams import CRM
from parley.contracts.subjects import event_subject
from parley.crm.adapters.import_file import (
    ImportFileMissing,
    ImportFiles,
    ImportFileUnreadable,
    records,
)
from parley.crm.domain.import_rows import ImportPlan, MappingRefused, ReadRow, plan_import, read_row
from parley.runtime.consumers import ConsumerSpec, RetryLater
from parley.runtime.eventstore import ConcurrencyError, EventStore
from parley.runtime.eventstore.commits import TYPE_HEADER

log = structlog.get_logger(__name__)

# Commands of every kind share `crm.cmd.>`; this consumer takes RunImport and acks the rest.
CONSUMER = ConsumerSpec(
    stream=CRM.name,
    durable="import-runner",
    filter_subjects=("crm.cmd.>",),
    max_deliver=20,  # each restart of crm mid-import is a delivery
    backoff=(2.0, 10.0, 30.0),
    ack_wait=60.0,  # the handler says "in progress" every HEARTBEAT seconds
    max_ack_pending=64,
    concurrency=4,  # imports of different workspaces run side by side
)
HEARTBEAT = 15.0
_IDS = uuid.UUID("5b8f3c2e-4a1d-4e7b-8c6f-2d9e0a7b1c34")  # import event ids derive from it
_MAX_REASON = 300

Outcome = Literal["created", "updated", "unchanged"]


class ContactSink(Protocol):
    """Where rows go: ContactWriter.upsert (raising its ContactRefused with problems)."""

    async def upsert(
        self,
        workspace_id: str,
        incoming: ContactInput,
        *,
        source: ContactSource,
        dedupe: DedupeRule,
        evidence: ConsentEvidence | None,
        idempotency_key: str,
    ) -> Outcome: ...


class Refusal(Protocol):
    problems: tuple[Problem, ...]


FieldsOf = Callable[[str], Awaitable[dict[str, FieldDefinition]]]


@dataclass
class ImportLog:
    """An import's events folded: what it was asked, how far it got, whether it ended."""

    started: ImportStarted | None = None
    started_envelope: Envelope | None = None
    totals: ImportTotals = field(default_factory=ImportTotals)
    last_row: int = 0
    finished: bool = False
    version: int = 0  # the subject's last sequence: the next append expects it


@dataclass
class _Window:
    """The rows between two ImportProgressed: their counts and errors, and the rows in flight."""

    workspace_id: str
    counts: dict[str, int]
    errors: list[RowError] = field(default_factory=list)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    by_key: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    rows: int = 0


class ImportRunner:
    def __init__(
        self,
        store: EventStore,
        files: ImportFiles,
        writer: ContactSink,
        fields_of: FieldsOf,
        *,
        refused: type[Exception],
        window: int = 2000,
        in_flight: int = 64,
        max_errors: int = 1000,
    ) -> None:
        self._store = store
        self._files = files
        self._writer = writer
        self._fields_of = fields_of
        self._refused = refused  # the writer's refusal type (it carries `problems`)
        self._window = window
        self._in_flight = in_flight
        self._max_errors = max_errors
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """crm is stopping: running imports record how far they got and hand their command back
        at once (a nak), so whichever crm is up next resumes them without waiting out ack_wait."""
        self._stopping.set()

    async def handle(self, msg: Msg) -> None:
        """The consumer's handler: RunImport runs, any other command is not ours."""
        if (msg.headers or {}).get(TYPE_HEADER) != RunImport.wire_name:
            return
        envelope = Envelope.from_bytes(msg.data)
        command = registry.decode(envelope)
        assert isinstance(command, RunImport)
        beat = asyncio.create_task(_heartbeat(msg))
        try:
            await self.run(envelope.workspace_id, command.import_id)
        finally:
            beat.cancel()
            with suppress(asyncio.CancelledError):
                await beat

    async def run(self, workspace_id: str, import_id: str) -> ImportLog:
        """Run (or resume) the import to its end; returns its log as it ended."""
        subject = event_subject("crm", workspace_id, import_id)
        state = await self._load(subject)
        if state.started is None or state.started_envelope is None:
            log.warning("RunImport for an import never started", import_id=import_id)
            return state
        if state.finished:
            return state
        try:
            await self._rows(subject, state)
        except ConcurrencyError as err:
            # Someone else appended to this import: a second runner. Let the log settle and
            # run again from whatever it then says.
            raise RetryLater(CONSUMER.ack_wait, f"{import_id} is being run elsewhere") from err
        return state

    async def _rows(self, subject: str, state: ImportLog) -> None:
        started, cause = state.started, state.started_envelope
        assert started is not None
        assert cause is not None
        ws = cause.workspace_id
        try:
            async with self._files.spooled(import_object_name(ws, started.import_id)) as spooled:
                rows = records(spooled)
                plan = await self._plan(ws, started, next(rows, None))
                await self._write_all(subject, state, plan, rows)
        except (ImportFileUnreadable, ImportFileMissing, MappingRefused) as err:
            await self._append(subject, state, _failed(started, state.totals, err))

    async def _plan(
        self, ws: str, started: ImportStarted, header: tuple[int, list[str]] | None
    ) -> ImportPlan:
        if header is None:
            raise ImportFileUnreadable("is empty")
        return plan_import(
            header[1],
            started.mapping,
            await self._fields_of(ws),  # as they are now: a field removed since start refuses
            default_region=started.default_region,
            tags=started.tags,
            consent_source=started.consent_source,
        )

    async def _write_all(
        self,
        subject: str,
        state: ImportLog,
        plan: ImportPlan,
        rows: Iterator[tuple[int, list[str]]],
    ) -> None:
        started, cause = state.started, state.started_envelope
        assert started is not None
        assert cause is not None
        ws = cause.workspace_id
        free = asyncio.Semaphore(self._in_flight)
        window = _Window(ws, counts=state.totals.model_dump())
        last_row = state.last_row
        try:
            for row, cells in rows:
                if row <= state.last_row:
                    continue  # written before a restart
                last_row = row
                read = read_row(plan, row, cells)
                if read is not None:
                    await self._schedule(window, free, started, read)
                stopping = self._stopping.is_set()
                full = window.rows >= self._window or len(window.errors) >= self._max_errors
                if full or stopping:
                    await _settle(window)
                    event = ImportProgressed(
                        import_id=started.import_id,
                        totals=ImportTotals(**window.counts),
                        errors=_sorted(window.errors),
                        at=datetime.now(UTC),
                        last_row=last_row,
                    )
                    await self._append(subject, state, event)
                    state.totals, state.last_row = event.totals, last_row
                    window = _Window(ws, counts=event.totals.model_dump())
                    if stopping:
                        raise RetryLater(0, f"crm is stopping; {started.import_id} resumes")
            await _settle(window)
        except BaseException:
            await _settle(window, cancel=True)
            raise
        done = ImportCompleted(
            import_id=started.import_id,
            totals=ImportTotals(**window.counts),
            errors=_sorted(window.errors),
            at=datetime.now(UTC),
        )
        await self._append(subject, state, done)
        log.info("import completed", import_id=started.import_id, **window.counts)

    async def _schedule(
        self, window: _Window, free: asyncio.Semaphore, started: ImportStarted, read: ReadRow
    ) -> None:
        window.rows += 1
        window.counts["rows"] += 1
        if read.contact is None:
            window.counts["rejected"] += 1
            window.errors.extend(read.errors)
            return
        await free.acquire()
        before = window.by_key.get(read.key)
        task = asyncio.create_task(self._write(window, free, started, read, before))
        window.tasks.add(task)
        window.by_key[read.key] = task
        task.add_done_callback(window.tasks.discard)

    async def _write(
        self,
        window: _Window,
        free: asyncio.Semaphore,
        started: ImportStarted,
        read: ReadRow,
        before: asyncio.Task[None] | None,
    ) -> None:
        try:
            if before is not None:
                await asyncio.wait([before])  # the same contact earlier in the file goes first
            assert read.contact is not None
            evidence = (
                ConsentEvidence(
                    source=started.consent_source,
                    at=started.at,
                    wording=started.consent_wording,
                )
                if read.opted_in
                else None
            )
            try:
                outcome = await self._writer.upsert(
                    window.workspace_id,
                    read.contact,
                    source="import",
                    dedupe=started.dedupe,
                    evidence=evidence,
                    idempotency_key=f"{started.import_id}:{read.row}",
                )
            except self._refused as refused:
                window.counts["rejected"] += 1
                window.errors.extend(_row_errors(read.row, started, refused))
                return
            window.counts[outcome] += 1
        finally:
            free.release()
            if window.by_key.get(read.key) is asyncio.current_task():
                del window.by_key[read.key]

    async def _load(self, subject: str) -> ImportLog:
        state = ImportLog()
        for event in await self._store.load(subject):
            state.version = event.sequence
            message = event.message
            if isinstance(message, ImportStarted):
                state.started, state.started_envelope = message, event.envelope
            elif isinstance(message, ImportProgressed):
                state.totals, state.last_row = message.totals, message.last_row
            elif isinstance(message, ImportCompleted | ImportFailed):
                state.totals, state.finished = message.totals, True
        return state

    async def _append(self, subject: str, state: ImportLog, message: Message) -> None:
        cause = state.started_envelope
        assert cause is not None
        # Derived from where the import stands, so a retried append is recognised as itself.
        event_id = uuid.uuid5(_IDS, f"{subject}|{state.version}|{message.wire_name}")
        envelope = cause.caused(message, event_id=event_id)
        result = await self._store.append(subject, [envelope], state.version)
        state.version = result.last_sequence


async def _settle(window: _Window, *, cancel: bool = False) -> None:
    """Wait for the window's writes; on the way out of a failure, stop them instead."""
    tasks = list(window.tasks)
    if cancel:
        for task in tasks:
            task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    if not cancel:
        for result in results:
            if isinstance(result, BaseException):
                raise result  # NATS trouble, say: the command is retried and resumes


async def _heartbeat(msg: Msg) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT)
        await msg.in_progress()


def _row_errors(row: int, started: ImportStarted, refused: Exception) -> list[RowError]:
    """The writer's problems as the row's errors, each under the column it came from."""
    problems: tuple[Problem, ...] = getattr(refused, "problems", ())
    columns = _columns_by_target(started.mapping)
    if not problems:
        return [RowError(row=row, column="", reason=_short(str(refused)))]
    errors: dict[str, RowError] = {}
    for problem in problems:
        target = problem.field.removeprefix("contact.").split("[", 1)[0]
        if target.startswith("fields."):
            target = "field:" + target.removeprefix("fields.")
        column = columns.get(target, "")
        errors.setdefault(column, RowError(row=row, column=column, reason=_short(problem.rule)))
    return list(errors.values())


def _columns_by_target(mapping: dict[str, str]) -> dict[str, str]:
    by_target: dict[str, str] = {}
    for column, target in mapping.items():
        by_target.setdefault(target.strip(), column.strip())
    return by_target


def _failed(started: ImportStarted, totals: ImportTotals, err: Exception) -> ImportFailed:
    if isinstance(err, MappingRefused):
        reason = "the mapping no longer fits: " + str(err)
    elif isinstance(err, ImportFileMissing):
        reason = "the file is no longer in the object store"
    else:
        reason = f"the file {err}"
    return ImportFailed(
        import_id=started.import_id, totals=totals, reason=_short(reason), at=datetime.now(UTC)
    )


def _sorted(errors: list[RowError]) -> tuple[RowError, ...]:
    return tuple(sorted(errors, key=lambda e: (e.row, e.column)))


def _short(text: str) -> str:
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"
