"""The knowledge base's pure decider: revisions, results for the current revision only,
idempotent retries, deletion removing every document."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parley.ai_rag.domain.knowledge_base import (
    AddRevision,
    CreateKnowledgeBase,
    DeleteKnowledgeBase,
    KnowledgeBase,
    KnowledgeBaseCommand,
    KnowledgeBaseDecider,
    KnowledgeBaseRefused,
    RecordIndexed,
    RecordIndexFailed,
    RemoveDocument,
    RenameKnowledgeBase,
)
from parley.contracts.ai.knowledge import (
    DocumentAdded,
    DocumentIndexed,
    DocumentRemoved,
    KnowledgeBaseDeleted,
)

T0 = datetime(2026, 5, 1, 9, tzinfo=UTC)
DECIDER = KnowledgeBaseDecider()


def run(state: KnowledgeBase, command: KnowledgeBaseCommand) -> tuple[KnowledgeBase, list[str]]:
    events = DECIDER.decide(state, command)
    for event in events:
        state = DECIDER.evolve(state, event)
    return state, [e.wire_name for e in events]


def created() -> KnowledgeBase:
    state, _ = run(KnowledgeBase(), CreateKnowledgeBase("kb-1", "Help", "", "offline", T0))
    return state


def add(document_id: str, revision: int, sha: str = "abc") -> AddRevision:
    return AddRevision(
        document_id=document_id,
        revision=revision,
        format="markdown",
        title="",
        source_url="",
        object_name=f"ws/{document_id}/{revision}",
        size_bytes=10,
        content_sha256=sha,
        at=T0 + timedelta(minutes=revision),
    )


def indexed(document_id: str, revision: int, chunks: int = 3) -> RecordIndexed:
    return RecordIndexed(document_id, revision, chunks, "offline", "Found title", T0)


def test_create_is_idempotent_and_refuses_another_name() -> None:
    state = created()
    again, events = run(state, CreateKnowledgeBase("kb-1", "Help", "", "offline", T0))
    assert (events, again) == ([], state)
    with pytest.raises(KnowledgeBaseRefused) as refused:
        DECIDER.decide(state, CreateKnowledgeBase("kb-1", "Other", "", "offline", T0))
    assert (refused.value.code, refused.value.field) == (
        "KNOWLEDGE_BASE_EXISTS",
        "knowledge_base_id",
    )
    with pytest.raises(KnowledgeBaseRefused) as blank:
        DECIDER.decide(KnowledgeBase(), CreateKnowledgeBase("kb-2", " ", "", "offline", T0))
    assert (blank.value.field, blank.value.rule) == ("name", "required")


def test_unknown_knowledge_base_refuses_everything_but_create() -> None:
    for command in (RenameKnowledgeBase("x", "", T0), add("doc-1", 1), RemoveDocument("doc-1", T0)):
        with pytest.raises(KnowledgeBaseRefused) as refused:
            DECIDER.decide(KnowledgeBase(), command)
        assert refused.value.code == "NOT_FOUND"


def test_a_new_revision_resets_the_status_and_old_results_are_ignored() -> None:
    state, events = run(created(), add("doc-1", 1))
    assert events == [DocumentAdded.wire_name]
    state, events = run(state, indexed("doc-1", 1))
    assert events == [DocumentIndexed.wire_name]
    assert state.documents["doc-1"].status == "indexed"

    state, _ = run(state, add("doc-1", 2, sha="def"))
    assert (state.documents["doc-1"].revision, state.documents["doc-1"].status) == (2, "indexing")
    # The old revision's late results change nothing.
    assert run(state, indexed("doc-1", 1))[1] == []
    assert run(state, RecordIndexFailed("doc-1", 1, "late", T0))[1] == []
    state, _ = run(state, RecordIndexFailed("doc-1", 2, "no text in this PDF", T0))
    assert (state.documents["doc-1"].status, state.documents["doc-1"].error) == (
        "failed",
        "no text in this PDF",
    )
    # Recorded once: the same failure again is nothing new.
    assert run(state, RecordIndexFailed("doc-1", 2, "no text in this PDF", T0))[1] == []
    # A redelivered success is nothing new either.
    state, _ = run(state, indexed("doc-1", 2))
    assert run(state, indexed("doc-1", 2))[1] == []


def test_a_stale_revision_is_a_conflict_and_same_content_is_unchanged() -> None:
    state, _ = run(created(), add("doc-1", 1))
    with pytest.raises(KnowledgeBaseRefused) as refused:
        DECIDER.decide(state, add("doc-1", 1))
    assert refused.value.code == "REVISION_CONFLICT"
    assert state.next_revision("doc-1") == 2
    assert state.unchanged("doc-1", "markdown", "", "abc")
    assert not state.unchanged("doc-1", "markdown", "", "other")
    assert not state.unchanged("doc-1", "url", "", "")


def test_remove_and_delete() -> None:
    state, _ = run(created(), add("doc-1", 1))
    state, _ = run(state, add("doc-2", 1))
    with pytest.raises(KnowledgeBaseRefused) as missing:
        DECIDER.decide(state, RemoveDocument("doc-9", T0))
    assert (missing.value.code, missing.value.field) == ("NOT_FOUND", "document_id")
    state, events = run(state, RemoveDocument("doc-1", T0))
    assert events == [DocumentRemoved.wire_name]
    assert list(state.documents) == ["doc-2"]
    assert run(state, indexed("doc-1", 1))[1] == []  # removed: its result is ignored

    state, events = run(state, DeleteKnowledgeBase(T0))
    assert events == [DocumentRemoved.wire_name, KnowledgeBaseDeleted.wire_name]
    assert not state.exists
    with pytest.raises(KnowledgeBaseRefused) as again:
        DECIDER.decide(state, CreateKnowledgeBase("kb-1", "Help", "", "offline", T0))
    assert again.value.code == "KNOWLEDGE_BASE_EXISTS"


def test_rename_changes_only_when_different() -> None:
    state = created()
    assert run(state, RenameKnowledgeBase("Help", "", T0))[1] == []
    state, events = run(state, RenameKnowledgeBase("FAQ", "answers", T0))
    assert (state.name, state.description, len(events)) == ("FAQ", "answers", 1)


def test_a_document_added_again_after_removal_continues_its_revisions() -> None:
    state, _ = run(created(), add("doc-1", 1))
    state, _ = run(state, add("doc-1", 2, sha="two"))
    state, _ = run(state, RemoveDocument("doc-1", T0))
    assert state.next_revision("doc-1") == 3
    state, events = run(state, add("doc-1", 3))
    assert events == [DocumentAdded.wire_name]
