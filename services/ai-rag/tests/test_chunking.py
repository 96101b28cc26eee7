"""Chunk boundaries: never across headings, paragraphs then sentences, bounded size, overlap."""

from __future__ import annotations

import itertools

import pytest

from parley.ai_rag.domain.chunking import chunk_document
from parley.ai_rag.domain.documents import ExtractedDocument, Section
from parley.ai_rag.testing.labelled import load_corpus


def _doc(*sections: tuple[str, str]) -> ExtractedDocument:
    return ExtractedDocument("t", tuple(Section(h, t) for h, t in sections))


def test_short_sections_are_not_merged_across_headings() -> None:
    chunks = chunk_document(_doc(("A", "alpha text."), ("A > B", "beta text.")))
    assert [(c.index, c.heading, c.text) for c in chunks] == [
        (0, "A", "alpha text."),
        (1, "A > B", "beta text."),
    ]


def test_long_section_splits_on_paragraphs_then_sentences() -> None:
    paragraph = " ".join(f"Sentence number {n} is here." for n in range(30))  # ~840 chars
    text = "\n\n".join([paragraph, "Short paragraph.", paragraph])
    chunks = chunk_document(_doc(("H", text)), max_chars=500, overlap=0)
    assert all(len(c.text) <= 500 and c.heading == "H" for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)  # cut at sentence ends only
    joined = " ".join(c.text.replace("\n\n", " ") for c in chunks)
    assert joined == text.replace("\n\n", " ")  # nothing lost, nothing added without overlap
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_overlap_repeats_whole_sentences() -> None:
    text = " ".join(f"Fact {n} about the bakery." for n in range(60))
    chunks = chunk_document(_doc(("", text)), max_chars=300, overlap=80)
    assert len(chunks) > 3
    for before, after in itertools.pairwise(chunks):
        first_sentence = after.text.split(". ")[0] + "."
        assert first_sentence in before.text  # the next chunk opens with the previous one's tail
        assert after.text.startswith("Fact ")  # never a cut word


def test_sentence_longer_than_a_chunk_is_cut_at_spaces() -> None:
    text = "word " * 400
    chunks = chunk_document(_doc(("", text.strip())), max_chars=200, overlap=0)
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(not c.text.startswith(" ") and "wor d" not in c.text for c in chunks)


def test_bad_sizes_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        chunk_document(_doc(("", "x")), max_chars=200, overlap=150)


def test_corpus_chunks_keep_their_headings() -> None:
    for document in load_corpus().documents:
        extracted = document.extracted()
        headings = {s.heading for s in extracted.sections}
        for chunk in chunk_document(extracted):
            assert chunk.heading in headings
            assert 0 < len(chunk.text) <= 1200
