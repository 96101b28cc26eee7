"""The imports read model (`imports`, `import_errors`) and the queries that read it.

The projection follows `crm.evt.>` and writes only the import events, so the error report is a
table a page at a time, in row order, rebuilt from the log like any read model. The queries are
scoped to the asking workspace in SQL and page by keyset: imports newest first, errors by row.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import AwareDatetime, TypeAdapter, ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.contracts.crm.imports import (
    GetImport,
    ImportCompleted,
    ImportErrorPage,
    ImportFailed,
    ImportPage,
    ImportProgressed,
    ImportReply,
    ImportStarted,
    ImportTotals,
    ImportView,
    ListImportErrors,
    ListImports,
    RowError,
)
from parley.contracts.streams import CRM
from parley.crm.adapters.tables import import_errors, imports, in_schema
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore import StoredEvent
from parley.runtime.queries import QueryRefused

CONSUMER = ConsumerSpec(
    stream=CRM.name, durable="import-read-model", filter_subjects=("crm.evt.>",), max_deliver=10
)
_IMPORT_EVENTS = (ImportStarted, ImportProgressed, ImportCompleted, ImportFailed)
T = TypeVar("T")


class ImportReadModel:
    name = "imports"
    handles = frozenset(event.wire_name for event in _IMPORT_EVENTS)

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        conn = await in_schema(conn, schema)
        await conn.execute(sa.delete(import_errors))
        await conn.execute(sa.delete(imports))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        message = event.message
        if not isinstance(message, _IMPORT_EVENTS):
            return  # a contact's, a segment's ...: not ours
        conn = await in_schema(conn, schema)
        ws = event.envelope.workspace_id
        key = (imports.c.workspace_id == ws) & (imports.c.import_id == message.import_id)
        if isinstance(message, ImportStarted):
            row = {
                "workspace_id": ws,
                "import_id": message.import_id,
                "file_name": message.file_name,
                "status": "running",
                "dedupe": message.dedupe,
                "totals": ImportTotals().model_dump(),
                "error": "",
                "started_at": message.at,
            }
            await conn.execute(insert(imports).values(row).on_conflict_do_nothing())
            return
        change: dict[str, Any] = {"totals": message.totals.model_dump()}
        if isinstance(message, ImportCompleted):
            change.update(status="completed", finished_at=message.at)
        elif isinstance(message, ImportFailed):
            change.update(status="failed", error=message.reason, finished_at=message.at)
        await conn.execute(sa.update(imports).where(key).values(change))
        if not isinstance(message, ImportFailed) and message.errors:
            rows = [
                {
                    "workspace_id": ws,
                    "import_id": message.import_id,
                    "row": e.row,
                    "column": e.column,
                    "reason": e.reason,
                }
                for e in message.errors
            ]
            # A row re-run after a restart reports its error again: the first one stands.
            await conn.execute(insert(import_errors).values(rows).on_conflict_do_nothing())


class ImportQueries:
    """get-import, list-imports and list-import-errors over the read model."""

    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._schema = schema

    async def get(self, workspace_id: str, query: GetImport) -> ImportReply:
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            job = await _job(conn, workspace_id, query.import_id)
        if job is None:
            raise QueryRefused("404", f"no import {query.import_id!r} in this workspace")
        return ImportReply(job=job)

    async def list(self, workspace_id: str, query: ListImports) -> ImportPage:
        statement = sa.select(imports).where(imports.c.workspace_id == workspace_id)
        if query.cursor:
            at, import_id = _decode("imports", query.cursor, _TIME_AND_ID)
            after = sa.tuple_(imports.c.started_at, imports.c.import_id) < sa.tuple_(
                sa.literal(at), sa.literal(import_id)
            )
            statement = statement.where(after)
        statement = statement.order_by(
            imports.c.started_at.desc(), imports.c.import_id.desc()
        ).limit(query.limit + 1)
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            rows = (await conn.execute(statement)).mappings().all()
        page, more = rows[: query.limit], len(rows) > query.limit
        cursor = _encode("imports", page[-1]["started_at"], page[-1]["import_id"]) if more else None
        return ImportPage(items=tuple(_view(r) for r in page), next_cursor=cursor)

    async def errors(self, workspace_id: str, query: ListImportErrors) -> ImportErrorPage:
        mine = (import_errors.c.workspace_id == workspace_id) & (
            import_errors.c.import_id == query.import_id
        )
        statement = sa.select(import_errors).where(mine)
        if query.cursor:
            row, column = _decode("import-errors", query.cursor, _ROW_AND_COLUMN)
            after = sa.tuple_(import_errors.c.row, import_errors.c.column) > sa.tuple_(
                sa.literal(row), sa.literal(column)
            )
            statement = statement.where(after)
        statement = statement.order_by(import_errors.c.row, import_errors.c.column)
        async with self._engine.connect() as raw:
            conn = await in_schema(raw, self._schema)
            if await _job(conn, workspace_id, query.import_id) is None:
                raise QueryRefused("404", f"no import {query.import_id!r} in this workspace")
            rows = (await conn.execute(statement.limit(query.limit + 1))).mappings().all()
        page, more = rows[: query.limit], len(rows) > query.limit
        cursor = _encode("import-errors", page[-1]["row"], page[-1]["column"]) if more else None
        items = tuple(RowError(row=r["row"], column=r["column"], reason=r["reason"]) for r in page)
        return ImportErrorPage(items=items, next_cursor=cursor)


async def _job(conn: AsyncConnection, workspace_id: str, import_id: str) -> ImportView | None:
    key = (imports.c.workspace_id == workspace_id) & (imports.c.import_id == import_id)
    row = (await conn.execute(sa.select(imports).where(key))).mappings().first()
    return _view(row) if row is not None else None


def _view(row: RowMapping) -> ImportView:
    return ImportView(
        import_id=row["import_id"],
        file_name=row["file_name"],
        status=row["status"],
        dedupe=row["dedupe"],
        totals=ImportTotals.model_validate(row["totals"] or {}),
        error=row["error"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


# -- cursors: base64url of {"k": <listing>, "after": <the last row's sort key>} ----------------

_TIME_AND_ID: TypeAdapter[tuple[AwareDatetime, str]] = TypeAdapter(tuple[AwareDatetime, str])
_ROW_AND_COLUMN: TypeAdapter[tuple[int, str]] = TypeAdapter(tuple[int, str])


def _encode(listing: str, *after: str | int | datetime) -> str:
    key: Sequence[Any] = [v.isoformat() if isinstance(v, datetime) else v for v in after]
    raw = json.dumps({"k": listing, "after": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(listing: str, cursor: str, shape: TypeAdapter[T]) -> T:
    """The key `_encode(listing, ...)` was given; one listing's cursor is refused by another."""
    try:
        body: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(body, dict) or body.get("k") != listing:
            raise ValueError(listing)
        return shape.validate_python(body.get("after"))
    except (ValueError, ValidationError):
        raise QueryRefused("400", "cursor: not a cursor this API issued") from None
