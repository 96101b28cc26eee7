"""`/api/v1/workspaces/{workspace_id}/imports`: upload a CSV of contacts (streamed to the object
store, up to `MAX_IMPORT_BYTES`), then follow its job and read its rejected rows."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import TypeAdapter, ValidationError

from parley.contracts.crm.imports import (
    DedupeRule,
    ImportErrorPage,
    ImportPage,
    ImportStartResult,
    ImportView,
)
from parley.gateway.adapters.import_files import UploadTooLarge
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import ImportsApi
from parley.gateway.api.problems import Problem, invalid

router = APIRouter(prefix="/workspaces/{workspace_id}/imports", tags=["imports"])

Readers = Annotated[WorkspaceScope, Depends(require("contacts:read"))]
Importers = Annotated[WorkspaceScope, Depends(require("contacts:import"))]
ImportIdPath = Annotated[str, Path(min_length=5, max_length=64, pattern=r"^imp-[A-Za-z0-9_\-]+$")]
Cursor = Annotated[str, Query(max_length=512, description="the last page's next_cursor")]
# What browsers and tools call a CSV file.
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/vnd.ms-excel")
_MAPPING = TypeAdapter(dict[str, str])
_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "description": "the CSV file itself, its first row the header",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


def _mapping(raw: str) -> dict[str, str]:
    try:
        value = _MAPPING.validate_python(json.loads(raw))
    except (ValueError, ValidationError):
        rule = 'a JSON object of column -> target, e.g. {"Phone": "phone"}'
        raise invalid("mapping", rule) from None
    if len(value) > 200 or any(not 1 <= len(c) <= 200 for c in value):
        raise invalid("mapping", "1 to 200 columns, each header 1 to 200 characters")
    return value


@router.post(
    "",
    status_code=202,
    summary="Import contacts from a CSV file (the request body)",
    openapi_extra=_UPLOAD_BODY,
)
async def start_import(
    scope: Importers,
    imports: ImportsApi,
    request: Request,
    response: Response,
    mapping: Annotated[
        str,
        Query(
            max_length=20_000,
            description='column header -> target, as JSON: {"Phone": "phone", "Plan": '
            '"field:plan"}; targets: phone, user_id, name, language, time_zone, tags, stage, '
            "opted_in, ignore, field:<key>",
        ),
    ],
    dedupe: Annotated[DedupeRule, Query(description="what an existing contact gets")] = "fill",
    file_name: Annotated[str, Query(min_length=1, max_length=200)] = "contacts.csv",
    tags: Annotated[
        list[str], Query(max_length=10, description="added to every imported contact")
    ] = [],  # noqa: B006 - FastAPI copies a default
    consent_source: Annotated[str, Query(max_length=200)] = "",
    consent_wording: Annotated[str, Query(max_length=2000)] = "",
    default_region: Annotated[
        str, Query(pattern=r"^([A-Za-z]{2})?$", description="country of numbers without +")
    ] = "",
) -> ImportStartResult:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in CSV_TYPES:
        raise Problem(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"send the CSV file as the body, with Content-Type {CSV_TYPES[0]}",
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > imports.max_bytes:
        raise _too_large(imports.max_bytes)
    try:
        started = await imports.start(
            scope.workspace_id,
            request.stream(),
            file_name=file_name,
            mapping=_mapping(mapping),
            dedupe=dedupe,
            tags=tags,
            consent_source=consent_source,
            consent_wording=consent_wording,
            default_region=default_region,
            by=scope.actor,
        )
    except UploadTooLarge as over:
        raise _too_large(over.limit) from None
    if started.job is not None:
        job = request.url_for(
            "get_import", workspace_id=scope.workspace_id, import_id=started.job.import_id
        )
        response.headers["Location"] = job.path
    return started


def _too_large(limit: int) -> Problem:
    return Problem(
        413, "REQUEST_TOO_LARGE", f"the CSV file is over {limit} bytes (MAX_IMPORT_BYTES)"
    )


@router.get("", summary="Imports, newest first")
async def list_imports(
    scope: Readers,
    imports: ImportsApi,
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 25,
    cursor: Cursor = "",
) -> ImportPage:
    return await imports.list(scope.workspace_id, limit=limit, cursor=cursor)


@router.get("/{import_id}", summary="An import's job: status and totals")
async def get_import(scope: Readers, imports: ImportsApi, import_id: ImportIdPath) -> ImportView:
    return await imports.get(scope.workspace_id, import_id)


@router.get("/{import_id}/errors", summary="An import's rejected rows, in row order")
async def import_errors(
    scope: Readers,
    imports: ImportsApi,
    import_id: ImportIdPath,
    limit: Annotated[int, Query(ge=1, le=1000, description="items per page")] = 100,
    cursor: Cursor = "",
) -> ImportErrorPage:
    return await imports.errors(scope.workspace_id, import_id, limit=limit, cursor=cursor)
