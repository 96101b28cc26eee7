"""`/api/v1/workspaces/{workspace_id}/knowledge-bases`: knowledge bases, their documents (inline,
by URL, FAQ pairs, or an uploaded file), and a question asked of them ("try it").

Everyone reads the knowledge and asks it (`knowledge:read`); editors and above change it
(`knowledge:manage`). A document is indexed after the answer (202, status `indexing`): read it
again (or its list) until it is `indexed` or `failed`, whose `error` says what to fix.

Uploads are `multipart/form-data` with a `file` part (and `title`, `format` optionally), read
only after the caller's permission is checked, with their own size limit (`MAX_DOCUMENT_BYTES`,
413 beyond) and no Idempotency-Key (as a CSV import: honouring one would hold the file).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import PurePosixPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from parley.contracts.ai.knowledge import DocumentStatus, FaqPair
from parley.contracts.ai.queries import (
    DocumentPage,
    DocumentView,
    KnowledgeBasePage,
    KnowledgeBaseView,
)
from parley.gateway.adapters.import_files import UploadTooLarge
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import KnowledgeApi
from parley.gateway.api.problems import Problem, invalid
from parley.gateway.application.knowledge import Answer, DocumentDetail, UploadFormat

router = APIRouter(prefix="/workspaces/{workspace_id}/knowledge-bases", tags=["knowledge"])

Readers = Annotated[WorkspaceScope, Depends(require("knowledge:read"))]
Managers = Annotated[WorkspaceScope, Depends(require("knowledge:manage"))]
KbIdPath = Annotated[str, Path(min_length=4, max_length=64, pattern=r"^kb-[A-Za-z0-9_\-]+$")]
DocIdPath = Annotated[str, Path(min_length=5, max_length=64, pattern=r"^doc-[A-Za-z0-9_\-]+$")]
Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
Cursor = Annotated[str, Query(max_length=512, description="the last page's next_cursor")]
CHUNK = 64 * 1024
# By file name first, then by the media type the browser gave.
_SUFFIX_FORMAT: dict[str, UploadFormat] = {
    ".pdf": "pdf",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
}
_MEDIA_FORMAT: dict[str, UploadFormat] = {
    "application/pdf": "pdf",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/html": "html",
    "text/plain": "text",
}
_GIVEN_FORMAT: dict[str, UploadFormat] = {
    "text": "text",
    "markdown": "markdown",
    "html": "html",
    "pdf": "pdf",
}
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "a .pdf, .md, .html or .txt file",
                        },
                        "title": {"type": "string", "maxLength": 300},
                        "format": {
                            "type": "string",
                            "enum": list(_GIVEN_FORMAT),
                            "description": "inferred from the file name or type when omitted",
                        },
                    },
                }
            }
        },
    }
}


class KnowledgeBaseInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=1000)


class KnowledgeBasePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=1000)


class DocumentInput(BaseModel):
    """A document given inline: `text` for text, markdown and html; `url` for url (fetched by
    ai-rag, public addresses only); `faq` for faq (one passage per pair)."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["text", "markdown", "html", "url", "faq"]
    title: str = Field(default="", max_length=300)
    text: str = Field(default="", max_length=500_000)
    url: str = Field(default="", max_length=2048)
    faq: list[FaqPair] = Field(default=[], max_length=500)


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=2000)
    knowledge_base_id: str = Field(
        default="", max_length=64, description="empty: every knowledge base of the workspace"
    )


# -- knowledge bases -------------------------------------------------------------------------


@router.get("", summary="Knowledge bases, with their document counts")
async def list_knowledge_bases(
    scope: Readers, knowledge: KnowledgeApi, limit: Limit = 25, cursor: Cursor = ""
) -> KnowledgeBasePage:
    return await knowledge.list(scope.workspace_id, limit=limit, cursor=cursor)


@router.post("", status_code=201, summary="Create a knowledge base")
async def create_knowledge_base(
    scope: Managers, knowledge: KnowledgeApi, body: KnowledgeBaseInput
) -> KnowledgeBaseView:
    return await knowledge.create(scope.workspace_id, body.name, body.description)


@router.post("/ask", summary="Ask the knowledge a question, as an AI node would")
async def ask(scope: Readers, knowledge: KnowledgeApi, body: Question) -> Answer:
    return await knowledge.answer(scope.workspace_id, body.question, body.knowledge_base_id)


@router.get("/{kb_id}", summary="A knowledge base")
async def get_knowledge_base(
    scope: Readers, knowledge: KnowledgeApi, kb_id: KbIdPath
) -> KnowledgeBaseView:
    return await knowledge.get(scope.workspace_id, kb_id)


@router.patch("/{kb_id}", summary="Rename a knowledge base or change its description")
async def change_knowledge_base(
    scope: Managers, knowledge: KnowledgeApi, kb_id: KbIdPath, body: KnowledgeBasePatch
) -> KnowledgeBaseView:
    return await knowledge.rename(
        scope.workspace_id, kb_id, name=body.name, description=body.description
    )


@router.delete("/{kb_id}", status_code=204, summary="Delete a knowledge base and its documents")
async def delete_knowledge_base(scope: Managers, knowledge: KnowledgeApi, kb_id: KbIdPath) -> None:
    await knowledge.delete(scope.workspace_id, kb_id)


# -- documents -------------------------------------------------------------------------------


@router.get("/{kb_id}/documents", summary="A knowledge base's documents, newest first")
async def list_documents(
    scope: Readers,
    knowledge: KnowledgeApi,
    kb_id: KbIdPath,
    status: Annotated[DocumentStatus | None, Query(description="only these")] = None,
    limit: Limit = 25,
    cursor: Cursor = "",
) -> DocumentPage:
    return await knowledge.documents(
        scope.workspace_id, kb_id, status=status, limit=limit, cursor=cursor
    )


@router.post(
    "/{kb_id}/documents", status_code=202, summary="Add a document (text, a URL or FAQ pairs)"
)
async def add_document(
    scope: Managers, knowledge: KnowledgeApi, kb_id: KbIdPath, body: DocumentInput
) -> DocumentView:
    return await knowledge.add(scope.workspace_id, kb_id, **body.model_dump())


@router.post(
    "/{kb_id}/documents/upload",
    status_code=202,
    summary="Add a document from a file (PDF, Markdown, HTML, text)",
    openapi_extra=_UPLOAD_BODY,
)
async def upload_document(
    scope: Managers, knowledge: KnowledgeApi, kb_id: KbIdPath, request: Request
) -> DocumentView:
    return await _upload(scope, knowledge, kb_id, None, request)


@router.get(
    "/{kb_id}/documents/{doc_id}",
    summary="A document and its indexed passages",
    description="While `status` is indexing, read it again until it is indexed or failed "
    "(`error` says what to fix).",
)
async def get_document(
    scope: Readers,
    knowledge: KnowledgeApi,
    kb_id: KbIdPath,
    doc_id: DocIdPath,
    passages: Annotated[int, Query(ge=0, le=200, description="passages to show")] = 20,
) -> DocumentDetail:
    return await knowledge.document(scope.workspace_id, kb_id, doc_id, passages=passages)


@router.put(
    "/{kb_id}/documents/{doc_id}",
    status_code=202,
    summary="Replace a document's content (a new revision, indexed again)",
)
async def replace_document(
    scope: Managers,
    knowledge: KnowledgeApi,
    kb_id: KbIdPath,
    doc_id: DocIdPath,
    body: DocumentInput,
) -> DocumentView:
    return await knowledge.add(scope.workspace_id, kb_id, document_id=doc_id, **body.model_dump())


@router.put(
    "/{kb_id}/documents/{doc_id}/upload",
    status_code=202,
    summary="Replace a document's content from a file (a new revision, indexed again)",
    openapi_extra=_UPLOAD_BODY,
)
async def replace_document_upload(
    scope: Managers, knowledge: KnowledgeApi, kb_id: KbIdPath, doc_id: DocIdPath, request: Request
) -> DocumentView:
    return await _upload(scope, knowledge, kb_id, doc_id, request)


@router.delete(
    "/{kb_id}/documents/{doc_id}", status_code=204, summary="Remove a document and its passages"
)
async def remove_document(
    scope: Managers, knowledge: KnowledgeApi, kb_id: KbIdPath, doc_id: DocIdPath
) -> None:
    await knowledge.remove(scope.workspace_id, kb_id, doc_id)


# -- uploads ---------------------------------------------------------------------------------


async def _upload(
    scope: WorkspaceScope,
    knowledge: KnowledgeApi,
    kb_id: str,
    doc_id: str | None,
    request: Request,
) -> DocumentView:
    # Absent is a 404 whatever the body; and no file is read for a document that is not there.
    target = await knowledge.upload_target(scope.workspace_id, kb_id, doc_id)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "multipart/form-data":
        raise Problem(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the file as multipart/form-data, in a part named file",
        )
    try:
        # Parts over 1 MiB are spooled to disk, not held in memory; BodyLimit caps the whole.
        form = await request.form(max_files=1, max_fields=5)
    except StarletteHTTPException as error:
        raise invalid("file", f"a multipart/form-data body: {error.detail}") from None
    try:
        return await _store(scope, knowledge, kb_id, target, form)
    finally:
        await form.close()


async def _store(
    scope: WorkspaceScope,
    knowledge: KnowledgeApi,
    kb_id: str,
    target: tuple[str, int],
    form: FormData,
) -> DocumentView:
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise invalid("file", "required: the document's file")
    title = form.get("title", "")
    given = form.get("format", "")
    if not isinstance(title, str) or len(title) > 300:
        raise invalid("title", "at most 300 characters")
    if not isinstance(given, str):
        raise invalid("format", f"one of {', '.join(_GIVEN_FORMAT)}")
    format = upload_format(given, upload.filename or "", upload.content_type or "")
    if upload.size is not None and upload.size > knowledge.max_bytes:
        raise _too_large(knowledge.max_bytes)  # refused before a byte is stored
    try:
        return await knowledge.upload(
            scope.workspace_id,
            kb_id,
            _chunks(upload),
            format=format,
            title=title,
            target=target,
        )
    except UploadTooLarge as over:
        raise _too_large(over.limit) from None


def _too_large(limit: int) -> Problem:
    return Problem(413, "REQUEST_TOO_LARGE", f"the file is over {limit} bytes (MAX_DOCUMENT_BYTES)")


def upload_format(given: str, file_name: str, content_type: str) -> UploadFormat:
    """The format asked for, else the one the file name's suffix, else its media type, says."""
    if given:
        if given not in _GIVEN_FORMAT:
            raise invalid("format", f"one of {', '.join(_GIVEN_FORMAT)}")
        return _GIVEN_FORMAT[given]
    by_name = _SUFFIX_FORMAT.get(PurePosixPath(file_name).suffix.lower())
    by_type = _MEDIA_FORMAT.get(content_type.split(";")[0].strip().lower())
    found = by_name or by_type
    if found is None:
        raise invalid(
            "format",
            "could not tell from the file: name it .pdf, .md, .html or .txt, or give format",
        )
    return found


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK):
        yield chunk
