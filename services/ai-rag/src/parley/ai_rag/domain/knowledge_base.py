"""A knowledge base and its documents: pure decide and evolve on `ai.evt.<ws>.<kb_id>`.

Each document has one current revision. Adding content for it is a new revision whose passages
replace the old one's; indexing results (DocumentIndexed / DocumentIndexFailed) are recorded for
the current revision only, so a slow indexer finishing an old revision changes nothing. Deleting
the knowledge base removes every document first (DocumentRemoved each, in the same commit), so
whoever follows the log cleans up document by document without keeping state of its own.

`evolve` only folds; every check is in `decide`, which refuses with `KnowledgeBaseRefused`
naming the field and the rule. A decision that changes nothing records nothing, so a retried
request (create with the same name, a redelivered indexing result) is a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType

from parley.contracts.ai.knowledge import (
    DocumentAdded,
    DocumentFormat,
    DocumentIndexed,
    DocumentIndexFailed,
    DocumentRemoved,
    DocumentStatus,
    KnowledgeBaseCreated,
    KnowledgeBaseDeleted,
    KnowledgeBaseRenamed,
)
from parley.contracts.messages import Message

NOT_FOUND = "NOT_FOUND"
EXISTS = "KNOWLEDGE_BASE_EXISTS"
REVISION_CONFLICT = "REVISION_CONFLICT"
INVALID = "INVALID_REQUEST"


class KnowledgeBaseRefused(Exception):
    def __init__(self, code: str, field_: str, rule: str) -> None:
        super().__init__(f"{field_}: {rule}" if field_ else rule)
        self.code = code
        self.field = field_
        self.rule = rule


@dataclass(frozen=True)
class Document:
    document_id: str
    format: DocumentFormat
    title: str
    source_url: str
    revision: int
    object_name: str
    content_sha256: str
    size_bytes: int
    created_at: datetime
    updated_at: datetime
    status: DocumentStatus = "indexing"
    chunks: int = 0
    embedder: str = ""
    error: str = ""
    indexed_at: datetime | None = None


_NO_DOCUMENTS: Mapping[str, Document] = MappingProxyType({})


@dataclass(frozen=True)
class KnowledgeBase:
    knowledge_base_id: str = ""
    name: str = ""
    description: str = ""
    embedder: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool = False
    documents: Mapping[str, Document] = field(default_factory=lambda: _NO_DOCUMENTS)
    # The last revision of each removed document: adding it again continues from there, so
    # the new content's object never has the name of one the removal is still deleting.
    retired: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def exists(self) -> bool:
        return bool(self.knowledge_base_id) and not self.deleted

    def next_revision(self, document_id: str) -> int:
        current = self.documents.get(document_id)
        if current is not None:
            return current.revision + 1
        return self.retired.get(document_id, 0) + 1

    def unchanged(
        self, document_id: str, format_: DocumentFormat, title: str, content_sha256: str
    ) -> bool:
        """Content already current (a retried upload): no new revision. A url has no digest
        before it is fetched, so adding it again always fetches it again."""
        current = self.documents.get(document_id)
        return (
            current is not None
            and bool(content_sha256)
            and (current.format, current.title, current.content_sha256)
            == (format_, title, content_sha256)
        )


# -- commands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateKnowledgeBase:
    knowledge_base_id: str
    name: str
    description: str
    embedder: str
    at: datetime


@dataclass(frozen=True)
class RenameKnowledgeBase:
    name: str
    description: str
    at: datetime


@dataclass(frozen=True)
class DeleteKnowledgeBase:
    at: datetime


@dataclass(frozen=True)
class AddRevision:
    """New content for `document_id`; `revision` is the one the caller stored the content
    under (`next_revision` when it looked), so two concurrent additions cannot both win."""

    document_id: str
    revision: int
    format: DocumentFormat
    title: str
    source_url: str
    object_name: str
    size_bytes: int
    content_sha256: str
    at: datetime


@dataclass(frozen=True)
class RecordIndexed:
    document_id: str
    revision: int
    chunks: int
    embedder: str
    title: str
    at: datetime


@dataclass(frozen=True)
class RecordIndexFailed:
    document_id: str
    revision: int
    reason: str
    at: datetime


@dataclass(frozen=True)
class RemoveDocument:
    document_id: str
    at: datetime


KnowledgeBaseCommand = (
    CreateKnowledgeBase
    | RenameKnowledgeBase
    | DeleteKnowledgeBase
    | AddRevision
    | RecordIndexed
    | RecordIndexFailed
    | RemoveDocument
)


class KnowledgeBaseDecider:
    def initial_state(self) -> KnowledgeBase:
        return KnowledgeBase()

    def snapshot(self, state: KnowledgeBase) -> Message | None:
        return None  # a knowledge base's log is short: documents, not their passages

    def decide(self, state: KnowledgeBase, command: KnowledgeBaseCommand) -> Sequence[Message]:
        if isinstance(command, CreateKnowledgeBase):
            return _create(state, command)
        if not state.exists:
            raise KnowledgeBaseRefused(NOT_FOUND, "knowledge_base_id", "no such knowledge base")
        kb_id = state.knowledge_base_id
        if isinstance(command, RenameKnowledgeBase):
            if not command.name.strip():
                raise KnowledgeBaseRefused(INVALID, "name", "required")
            if (state.name, state.description) == (command.name, command.description):
                return []
            return [
                KnowledgeBaseRenamed(
                    knowledge_base_id=kb_id,
                    name=command.name,
                    description=command.description,
                    at=command.at,
                )
            ]
        if isinstance(command, DeleteKnowledgeBase):
            removed: list[Message] = [
                DocumentRemoved(knowledge_base_id=kb_id, document_id=d, at=command.at)
                for d in sorted(state.documents)
            ]
            return [*removed, KnowledgeBaseDeleted(knowledge_base_id=kb_id, at=command.at)]
        if isinstance(command, AddRevision):
            return _add(state, command)
        if isinstance(command, RemoveDocument):
            if command.document_id not in state.documents:
                raise KnowledgeBaseRefused(NOT_FOUND, "document_id", "no such document")
            return [
                DocumentRemoved(
                    knowledge_base_id=kb_id, document_id=command.document_id, at=command.at
                )
            ]
        return _indexing_result(state, command)

    def evolve(self, state: KnowledgeBase, event: Message) -> KnowledgeBase:
        if isinstance(event, KnowledgeBaseCreated):
            return KnowledgeBase(
                knowledge_base_id=event.knowledge_base_id,
                name=event.name,
                description=event.description,
                embedder=event.embedder,
                created_at=event.at,
                updated_at=event.at,
            )
        if isinstance(event, KnowledgeBaseRenamed):
            return replace(
                state, name=event.name, description=event.description, updated_at=event.at
            )
        if isinstance(event, KnowledgeBaseDeleted):
            return replace(state, deleted=True, documents=_NO_DOCUMENTS, updated_at=event.at)
        if isinstance(event, DocumentAdded):
            before = state.documents.get(event.document_id)
            document = Document(
                document_id=event.document_id,
                format=event.format,
                title=event.title,
                source_url=event.source_url,
                revision=event.revision,
                object_name=event.object_name,
                content_sha256=event.content_sha256,
                size_bytes=event.size_bytes,
                created_at=before.created_at if before else event.at,
                updated_at=event.at,
                embedder=before.embedder if before else "",
            )
            return _with(state, document, event.at)
        if isinstance(event, DocumentIndexed):
            current = state.documents.get(event.document_id)
            if current is None:
                return state
            indexed = replace(
                current,
                status="indexed",
                chunks=event.chunks,
                embedder=event.embedder,
                title=current.title or event.title,
                error="",
                updated_at=event.at,
                indexed_at=event.at,
            )
            return _with(state, indexed, event.at)
        if isinstance(event, DocumentIndexFailed):
            current = state.documents.get(event.document_id)
            if current is None:
                return state
            failed = replace(
                current, status="failed", chunks=0, error=event.reason, updated_at=event.at
            )
            return _with(state, failed, event.at)
        if isinstance(event, DocumentRemoved):
            gone = state.documents.get(event.document_id)
            if gone is None:
                return state
            rest = {k: v for k, v in state.documents.items() if k != event.document_id}
            retired = {**state.retired, event.document_id: gone.revision}
            return replace(
                state,
                documents=MappingProxyType(rest),
                retired=MappingProxyType(retired),
                updated_at=event.at,
            )
        return state


def _with(state: KnowledgeBase, document: Document, at: datetime) -> KnowledgeBase:
    documents = {**state.documents, document.document_id: document}
    return replace(state, documents=MappingProxyType(documents), updated_at=at)


def _create(state: KnowledgeBase, command: CreateKnowledgeBase) -> list[Message]:
    if not command.name.strip():
        raise KnowledgeBaseRefused(INVALID, "name", "required")
    if state.deleted:
        rule = "was deleted: choose a new id"
        raise KnowledgeBaseRefused(EXISTS, "knowledge_base_id", rule)
    if state.exists:
        if (state.name, state.description) == (command.name, command.description):
            return []  # a retried create
        raise KnowledgeBaseRefused(EXISTS, "knowledge_base_id", "already exists")
    return [
        KnowledgeBaseCreated(
            knowledge_base_id=command.knowledge_base_id,
            name=command.name,
            description=command.description,
            embedder=command.embedder,
            at=command.at,
        )
    ]


def _add(state: KnowledgeBase, command: AddRevision) -> list[Message]:
    expected = state.next_revision(command.document_id)
    if command.revision != expected:
        rule = f"changed meanwhile (now at revision {expected - 1}): add it again"
        raise KnowledgeBaseRefused(REVISION_CONFLICT, "document_id", rule)
    return [
        DocumentAdded(
            knowledge_base_id=state.knowledge_base_id,
            document_id=command.document_id,
            revision=command.revision,
            format=command.format,
            title=command.title,
            source_url=command.source_url,
            object_name=command.object_name,
            size_bytes=command.size_bytes,
            content_sha256=command.content_sha256,
            at=command.at,
        )
    ]


def _indexing_result(
    state: KnowledgeBase, command: RecordIndexed | RecordIndexFailed
) -> list[Message]:
    current = state.documents.get(command.document_id)
    if current is None or current.revision != command.revision:
        return []  # removed, or a late result of an older revision
    kb_id = state.knowledge_base_id
    if isinstance(command, RecordIndexed):
        if (current.status, current.embedder, current.chunks) == (
            "indexed",
            command.embedder,
            command.chunks,
        ):
            return []
        return [
            DocumentIndexed(
                knowledge_base_id=kb_id,
                document_id=command.document_id,
                revision=command.revision,
                chunks=command.chunks,
                embedder=command.embedder,
                title=command.title,
                at=command.at,
            )
        ]
    if (current.status, current.error) == ("failed", command.reason):
        return []
    return [
        DocumentIndexFailed(
            knowledge_base_id=kb_id,
            document_id=command.document_id,
            revision=command.revision,
            reason=command.reason[:1000],
            at=command.at,
        )
    ]
