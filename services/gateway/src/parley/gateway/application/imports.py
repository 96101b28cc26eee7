"""CSV imports of contacts: the upload streamed into the object store under a new import id,
then crm's `start-import`, which reads the file back row by row; the job and its row errors are
read from crm.

The mapping is checked before the file is stored (a wrong target is a 422 before megabytes
travel); whether each mapped column is in the file's header only crm can tell, once it reads it.
A refused import's file is removed again.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, Mapping, Sequence

from pydantic import ValidationError

from parley.contracts.crm.fields import FIELD_KEY_PATTERN
from parley.contracts.crm.imports import (
    BUILTIN_TARGETS,
    DedupeRule,
    GetImport,
    ImportErrorPage,
    ImportPage,
    ImportReply,
    ImportStartResult,
    ImportView,
    ListImportErrors,
    ListImports,
    StartImport,
    import_object_name,
)
from parley.contracts.ids import new_id
from parley.gateway.adapters.import_files import ImportFiles
from parley.gateway.adapters.services import Services
from parley.gateway.api.problems import FieldProblem, Problem, validation_problem
from parley.gateway.application.crm_calls import ask_crm, checked, refused

_STATUS = {"IMPORT_INVALID": 422, "IMPORT_EXISTS": 409, "IMPORT_FILE_MISSING": 409}
_FIELD_TARGET = re.compile(FIELD_KEY_PATTERN.replace("^", "^field:", 1))


def new_import_id() -> str:
    """`imp-<UUIDv7 hex>`: creation-ordered, and a valid NATS subject token."""
    return f"imp-{new_id().hex}"


def mapping_problems(mapping: Mapping[str, str]) -> list[FieldProblem]:
    problems = []
    if not mapping:
        problems.append(FieldProblem(field="mapping", rule="map at least one column"))
    for column, target in mapping.items():
        if target not in BUILTIN_TARGETS and not _FIELD_TARGET.match(target):
            rule = f"must be one of {', '.join(BUILTIN_TARGETS)} or field:<key>"
            problems.append(FieldProblem(field=f"mapping.{column}", rule=rule))
    if mapping and not {"phone", "user_id"} & set(mapping.values()):
        problems.append(FieldProblem(field="mapping", rule="map a column to phone or user_id"))
    return problems


class Imports:
    def __init__(self, services: Services, files: ImportFiles, *, max_bytes: int) -> None:
        self._services = services
        self._files = files
        self.max_bytes = max_bytes

    async def start(
        self,
        workspace_id: str,
        body: AsyncIterable[bytes],
        *,
        file_name: str,
        mapping: dict[str, str],
        dedupe: DedupeRule,
        tags: Sequence[str],
        consent_source: str,
        consent_wording: str,
        default_region: str,
        by: str,
    ) -> ImportStartResult:
        """Store the file, then start its import; the job as crm started it."""
        if problems := mapping_problems(mapping):
            summary = "; ".join(f"{p.field}: {p.rule}" for p in problems)
            raise Problem(422, "INVALID_REQUEST", summary, errors=problems)
        import_id = new_import_id()
        # Checked before the upload is read: a bad tag or region costs no transfer.
        try:
            query = StartImport(
                import_id=import_id,
                file_name=file_name,
                mapping=mapping,
                dedupe=dedupe,
                tags=tuple(tags),
                consent_source=consent_source,
                consent_wording=consent_wording,
                default_region=default_region,
                by=by,
            )
        except ValidationError as error:
            raise validation_problem(error.errors()) from None
        # Named by workspace too: no workspace can start an import of another's upload.
        name = import_object_name(workspace_id, import_id)
        size = await self._files.store(name, body, max_bytes=self.max_bytes)
        if size == 0:
            await self._files.delete(name)
            raise Problem(
                422,
                "INVALID_REQUEST",
                "the CSV file is empty",
                errors=[FieldProblem(field="body", rule="a CSV file with a header row")],
            )
        try:
            result = await ask_crm(
                self._services, workspace_id, query, ImportStartResult, what="import", ident=""
            )
        except Problem:
            await self._files.delete(name)
            raise
        if result.ok:
            return result
        await self._files.delete(name)
        raise refused(
            result.code,
            result.message,
            ((p.field, p.rule) for p in result.problems),
            _STATUS,
            fallback="the import was not started",
        )

    async def list(self, workspace_id: str, *, limit: int, cursor: str) -> ImportPage:
        query = checked(ListImports, limit=limit, cursor=cursor)
        return await ask_crm(
            self._services, workspace_id, query, ImportPage, what="imports", ident=""
        )

    async def get(self, workspace_id: str, import_id: str) -> ImportView:
        query = checked(GetImport, import_id=import_id)
        found = await ask_crm(
            self._services, workspace_id, query, ImportReply, what="import", ident=import_id
        )
        return found.job

    async def errors(
        self, workspace_id: str, import_id: str, *, limit: int, cursor: str
    ) -> ImportErrorPage:
        query = checked(ListImportErrors, import_id=import_id, limit=limit, cursor=cursor)
        return await ask_crm(
            self._services, workspace_id, query, ImportErrorPage, what="import", ident=import_id
        )
