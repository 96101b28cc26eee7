"""Indexing: DocumentAdded -> read, extract, chunk, embed, write the passages -> recorded.

Follows `ai.evt.>` with a durable named after the embedder, so configuring another embedder
starts a durable of its own at the start of the log: every current revision is indexed again
into that embedder's collection (the re-index after an embedder change, with nothing to run).

- A result is recorded on the knowledge base's log for the revision it was made from only
  (the decider drops a late result of an older revision); a revision already superseded, or a
  document removed meanwhile, is skipped before any work. One knowledge base's messages are
  handled in order (lanes by subject), so a newer revision's passages always land last.
- Content comes from DOCUMENTS_BUCKET (uploads, inline text, FAQ pairs as JSON); a url is fetched
  through the outbound-address guard and its content type picks the extractor.
- Failures the user can fix (unreadable, empty, too big, refused address, 404) are recorded at
  once as DocumentIndexFailed. Transient ones (embedder or site busy, timeouts) are redelivered
  with the consumer's backoff; on the last delivery they are recorded as failures too, once.
- DocumentRemoved deletes the document's points and every object its revisions stored;
  KnowledgeBaseDeleted (after each document's DocumentRemoved) clears whatever is left.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from nats.aio.msg import Msg
from pydantic import TypeAdapter, ValidationError

from parley.ai_rag.adapters.document_files import DocumentFiles, DocumentMissing, DocumentTooBig
from parley.ai_rag.adapters.embedders import EmbedderUnavailable
from parley.ai_rag.adapters.index_ref import IndexRef
from parley.ai_rag.adapters.knowledge_store import KnowledgeStore
from parley.ai_rag.adapters.url_source import UrlUnavailable, fetch_url
from parley.ai_rag.domain.chunking import chunk_document
from parley.ai_rag.domain.documents import (
    DocumentUnreadable,
    ExtractedDocument,
    extract,
    extract_faq,
)
from parley.ai_rag.domain.knowledge_base import RecordIndexed, RecordIndexFailed
from parley.contracts.ai.knowledge import (
    DocumentAdded,
    DocumentFormat,
    DocumentRemoved,
    FaqPair,
    KnowledgeBaseDeleted,
)
from parley.contracts.envelope import Envelope
from parley.contracts.streams import AI
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.eventstore import StoredEvent
from parley.runtime.eventstore.commits import types_of
from parley.runtime.eventstore.store import decode_stored
from parley.runtime.logs import get_logger
from parley.runtime.outbound import OutboundPolicy

log = get_logger("parley.ai_rag.indexer")

_HANDLED = frozenset(
    {DocumentAdded.wire_name, DocumentRemoved.wire_name, KnowledgeBaseDeleted.wire_name}
)
FAQ_PAIRS: TypeAdapter[tuple[FaqPair, ...]] = TypeAdapter(tuple[FaqPair, ...])
MAX_DELIVER = 6


def consumer_spec(embedder_name: str, lanes: int) -> ConsumerSpec:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", embedder_name).strip("-")
    return ConsumerSpec(
        stream=AI.name,
        durable=f"ai-rag-indexer-{slug}",
        filter_subjects=("ai.evt.>",),
        max_deliver=MAX_DELIVER,
        backoff=(2.0, 5.0, 15.0, 30.0, 60.0),
        ack_wait=180.0,  # a big PDF through a remote embedder takes a while
        lanes=lanes,
    )


class Permanent(Exception):
    """Indexing this revision cannot succeed as it is: the message says what to change."""


def format_of(content_type: str, url: str) -> DocumentFormat:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return "html"
    if kind == "application/pdf":
        return "pdf"
    if kind in ("text/markdown", "text/x-markdown") or url.lower().endswith((".md", ".markdown")):
        return "markdown"
    if kind in ("text/plain", ""):
        return "text"
    raise Permanent(f"the page is {kind}, not HTML, PDF, Markdown or plain text")


class Indexer:
    def __init__(
        self,
        knowledge: KnowledgeStore,
        files: DocumentFiles,
        index: IndexRef,
        policy: OutboundPolicy,
    ) -> None:
        self._knowledge = knowledge
        self._files = files
        self._index = index
        self._policy = policy

    async def handle(self, msg: Msg) -> None:
        types = types_of(msg.headers)
        if types is not None and not _HANDLED.intersection(types):
            return
        meta = msg.metadata
        events = decode_stored(meta.sequence.stream, msg.subject, msg.data)
        last_try = meta.num_delivered >= MAX_DELIVER
        for stored in events:
            message = stored.message
            if isinstance(message, DocumentAdded):
                await self._index_document(stored, message, last_try=last_try)
            elif isinstance(message, DocumentRemoved):
                await self._remove(stored, message)
            elif isinstance(message, KnowledgeBaseDeleted):
                workspace = self._index.workspace(stored.envelope.workspace_id)
                await workspace.remove_knowledge_base(message.knowledge_base_id)

    async def _index_document(
        self, stored: StoredEvent, added: DocumentAdded, *, last_try: bool
    ) -> None:
        ws = stored.envelope.workspace_id
        embedder = self._index.embedder.name
        state = await self._knowledge.current(ws, added.knowledge_base_id)
        current = state.documents.get(added.document_id)
        if current is None or current.revision != added.revision:
            return  # removed, or superseded by a newer revision (indexed when its turn comes)
        if current.status == "indexed" and current.embedder == embedder:
            return  # a redelivery after the result was recorded
        # Event ids derive from the cause: made distinct per embedder, so the re-index by
        # another embedder records its own result instead of deduplicating against the first.
        cause = stored.envelope.model_copy(
            update={"event_id": uuid.uuid5(stored.envelope.event_id, f"index:{embedder}")}
        )
        try:
            extracted = await self._extract(added)
            title = added.title or extracted.title
            chunks = chunk_document(extracted)
            if not chunks:
                raise Permanent("no text was found in the document")
            workspace = self._index.workspace(ws)
            count = await workspace.replace_document(
                added.knowledge_base_id, added.document_id, added.revision, title, chunks
            )
        except (Permanent, DocumentUnreadable, DocumentMissing, DocumentTooBig) as err:
            await self._failed(ws, added, cause, str(err))
            return
        except (EmbedderUnavailable, UrlUnavailable) as err:
            if err.retryable and not last_try:
                log.info("indexing retried later", document_id=added.document_id, error=str(err))
                raise
            reason = str(err) + ("; add the document again to retry" if err.retryable else "")
            await self._failed(ws, added, cause, reason)
            return
        except Exception as err:
            if not last_try:
                raise
            log.exception("indexing failed", document_id=added.document_id)
            reason = f"indexing failed ({type(err).__name__}); add the document again to retry"
            await self._failed(ws, added, cause, reason)
            return
        record = RecordIndexed(
            document_id=added.document_id,
            revision=added.revision,
            chunks=count,
            embedder=embedder,
            title=title[:300],
            at=datetime.now(UTC),
        )
        await self._knowledge.change(ws, added.knowledge_base_id, record, cause)

    async def _extract(self, added: DocumentAdded) -> ExtractedDocument:
        if added.format == "url":
            fetched = await fetch_url(
                added.source_url, self._policy, max_bytes=self._files.max_bytes
            )
            kind = format_of(fetched.content_type, fetched.final_url)
            return extract(kind, fetched.content, content_type=fetched.content_type)
        content = await self._files.read(added.object_name)
        if added.format == "faq":
            try:
                return extract_faq(FAQ_PAIRS.validate_json(content))
            except ValidationError as err:
                raise Permanent(f"the stored FAQ is not question/answer pairs: {err}") from err
        return extract(added.format, content)

    async def _failed(self, ws: str, added: DocumentAdded, cause: Envelope, reason: str) -> None:
        failed = RecordIndexFailed(
            document_id=added.document_id,
            revision=added.revision,
            reason=reason[:1000] or "indexing failed",
            at=datetime.now(UTC),
        )
        await self._knowledge.change(ws, added.knowledge_base_id, failed, cause)

    async def _remove(self, stored: StoredEvent, removed: DocumentRemoved) -> None:
        ws = stored.envelope.workspace_id
        await self._index.workspace(ws).remove_document(
            removed.knowledge_base_id, removed.document_id
        )
        history = await self._knowledge.history(ws, removed.knowledge_base_id)
        names = {
            e.message.object_name
            for e in history
            if isinstance(e.message, DocumentAdded)
            and e.message.document_id == removed.document_id
            and e.message.object_name
            and e.sequence < stored.sequence  # a later re-add's objects are its own
        }
        await self._files.remove(sorted(names))
