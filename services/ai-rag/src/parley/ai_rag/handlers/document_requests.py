"""add-document and remove-document: checked here, decided on the knowledge base's log.

add-document names every problem with its field and rule: content given two ways or none, a
url without `url`, a faq without pairs, inline text for a pdf, an upload that is not in the
bucket or belongs to another workspace, empty or oversized content, a refused address. A NEW
document counts against the plan's standing `kb_documents` (new content for an existing one
does not). Inline text and FAQ pairs are stored in DOCUMENTS_BUCKET under the revision's
`document_object_name`, as uploads are, so the indexer (and any later re-index) reads one place.
Content identical to the current revision's adds nothing (a retried request).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

from parley.ai_rag.adapters.document_files import DocumentFiles, DocumentMissing
from parley.ai_rag.adapters.knowledge_reads import KnowledgeReads
from parley.ai_rag.adapters.knowledge_store import KnowledgeStore
from parley.ai_rag.domain.knowledge_base import (
    REVISION_CONFLICT,
    AddRevision,
    KnowledgeBaseRefused,
    RemoveDocument,
)
from parley.ai_rag.handlers.indexer import FAQ_PAIRS
from parley.ai_rag.handlers.views import document_view, problem
from parley.contracts.ai.knowledge import document_object_name
from parley.contracts.ai.queries import AddDocument, AiProblem, DocumentChangeResult
from parley.contracts.ai.queries import RemoveDocument as RemoveDocumentQuery
from parley.contracts.billing.entitlements import KB_DOCUMENTS
from parley.contracts.envelope import Envelope
from parley.runtime.outbound import OutboundPolicy, OutboundRefused, vet_url
from parley.runtime.quotas import Quotas

_ATTEMPTS = 3
_INLINE = ("text", "markdown", "html")


class _Content:
    """What add-document stores: inline bytes to write, or an upload already there."""

    def __init__(self, data: bytes | None, object_name: str, size: int, sha256: str) -> None:
        self.data = data
        self.object_name = object_name
        self.size = size
        self.sha256 = sha256


def _refused(*problems: AiProblem) -> DocumentChangeResult:
    return DocumentChangeResult(ok=False, problems=problems)


def shape_problems(query: AddDocument) -> list[AiProblem]:
    """Which ways of giving content the format allows (pure; checked before any I/O)."""
    given = {
        "text": bool(query.text),
        "object_name": bool(query.object_name),
        "url": bool(query.url),
        "faq": bool(query.faq),
    }
    allowed = {
        "url": ("url",),
        "faq": ("faq",),
        "pdf": ("object_name",),
    }.get(query.format, ("text", "object_name"))
    problems = [
        AiProblem(field=way, rule=f"not used by format {query.format}: give {' or '.join(allowed)}")
        for way, present in given.items()
        if present and way not in allowed
    ]
    if query.format == "pdf" and query.text:
        problems = [AiProblem(field="text", rule="a pdf is uploaded, not inline: give object_name")]
    if not any(given[way] for way in allowed) and not problems:
        field = allowed[0] if len(allowed) == 1 else ""
        problems.append(
            AiProblem(field=field, rule=f"format {query.format} needs {' or '.join(allowed)}")
        )
    if sum(given[way] for way in allowed) > 1:
        problems.append(AiProblem(field="", rule="give the content one way only"))
    if query.format in _INLINE and query.text and not query.text.strip():
        problems.append(AiProblem(field="text", rule="empty: add some text"))
    return problems


class DocumentRequests:
    def __init__(
        self,
        store: KnowledgeStore,
        reads: KnowledgeReads,
        files: DocumentFiles,
        quotas: Quotas,
        policy: OutboundPolicy,
    ) -> None:
        self._store = store
        self._reads = reads
        self._files = files
        self._quotas = quotas
        self._policy = policy

    async def add(self, ws: str, query: AddDocument) -> DocumentChangeResult:
        problems = shape_problems(query)
        if problems:
            return _refused(*problems)
        if query.format == "url":
            try:
                await vet_url(query.url, self._policy)
            except OutboundRefused as refused:
                return _refused(AiProblem(field="url", rule=refused.reason))
        content, bad = await self._content(ws, query)
        if bad is not None:
            return _refused(bad)
        cause = Envelope.wrap(query, workspace_id=ws)
        for _ in range(_ATTEMPTS):
            state = await self._store.current(ws, query.knowledge_base_id)
            if not state.exists:
                rule = "no such knowledge base"
                return _refused(AiProblem(field="knowledge_base_id", rule=rule, code="NOT_FOUND"))
            current = state.documents.get(query.document_id)
            if current is None:
                count = await self._reads.workspace_documents(ws)
                limit = await self._quotas.standing_refusal(ws, KB_DOCUMENTS, count)
                if limit is not None:
                    return _refused(AiProblem(field="", rule=limit.message, code=limit.code))
            elif state.unchanged(query.document_id, query.format, query.title, content.sha256):
                return DocumentChangeResult(
                    ok=True, document=document_view(query.knowledge_base_id, current)
                )
            revision = state.next_revision(query.document_id)
            object_name = content.object_name
            if content.data is not None:
                object_name = document_object_name(ws, query.document_id, revision)
                await self._files.put(object_name, content.data)
            command = AddRevision(
                document_id=query.document_id,
                revision=revision,
                format=query.format,
                title=query.title,
                source_url=query.url,
                object_name=object_name,
                size_bytes=content.size,
                content_sha256=content.sha256,
                at=datetime.now(UTC),
            )
            try:
                outcome = await self._store.change(ws, query.knowledge_base_id, command, cause)
            except KnowledgeBaseRefused as refused:
                if refused.code == REVISION_CONFLICT:
                    continue  # added meanwhile: store the content under the next revision
                return _refused(problem(refused))
            added = outcome.state.documents[query.document_id]
            return DocumentChangeResult(
                ok=True, document=document_view(query.knowledge_base_id, added)
            )
        rule = "changed by another request meanwhile: add it again"
        return _refused(AiProblem(field="document_id", rule=rule, code=REVISION_CONFLICT))

    async def remove(self, ws: str, query: RemoveDocumentQuery) -> DocumentChangeResult:
        command = RemoveDocument(query.document_id, datetime.now(UTC))
        try:
            await self._store.change(
                ws, query.knowledge_base_id, command, Envelope.wrap(query, workspace_id=ws)
            )
        except KnowledgeBaseRefused as refused:
            return _refused(problem(refused))
        return DocumentChangeResult(ok=True)

    async def _content(self, ws: str, query: AddDocument) -> tuple[_Content, AiProblem | None]:
        limit = self._files.max_bytes
        if query.format == "url":
            return _Content(None, "", 0, ""), None
        if query.faq:
            data = FAQ_PAIRS.dump_json(query.faq)
        elif query.text:
            data = query.text.encode()
        else:
            return await self._upload(ws, query.object_name, limit)
        if len(data) > limit:
            return _Content(None, "", 0, ""), AiProblem(
                field="text", rule=f"too big: {len(data)} bytes, at most {limit}"
            )
        return _Content(data, "", len(data), hashlib.sha256(data).hexdigest()), None

    async def _upload(self, ws: str, name: str, limit: int) -> tuple[_Content, AiProblem | None]:
        none = _Content(None, "", 0, "")
        if not name.startswith(f"{ws}/"):
            return none, AiProblem(field="object_name", rule="not an upload of this workspace")
        try:
            info = await self._files.info(name)
        except DocumentMissing:
            return none, AiProblem(
                field="object_name", rule="no such upload: upload the file first"
            )
        size = info.size or 0
        if size == 0:
            return none, AiProblem(field="object_name", rule="the upload is empty")
        if size > limit:
            return none, AiProblem(
                field="object_name", rule=f"too big: {size} bytes, at most {limit}"
            )
        return _Content(None, name, size, _hex_digest(info.digest or "")), None


def _hex_digest(digest: str) -> str:
    """The object store's `SHA-256=<base64url>` as hex (what DocumentAdded records)."""
    encoded = digest.split("=", 1)[-1]
    try:
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        return ""
    return raw.hex() if len(raw) == 32 else ""
