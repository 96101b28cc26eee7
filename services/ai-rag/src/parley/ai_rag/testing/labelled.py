"""The test corpus (testing/corpus/): a fictional bakery's documents and labelled questions.

Used by the tests and by `bench/rag.py`: `load_corpus()` reads the files, `index_corpus` runs
them through extraction and chunking into a `WorkspaceIndex`, exactly as the service does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parley.ai_rag.adapters.passage_index import WorkspaceIndex
from parley.ai_rag.domain.chunking import chunk_document
from parley.ai_rag.domain.documents import ExtractedDocument, extract, extract_faq
from parley.contracts.ai.knowledge import DocumentFormat, FaqPair

CORPUS_DIR = Path(__file__).with_name("corpus")
KNOWLEDGE_BASE = "kb-bakery"


@dataclass(frozen=True)
class CorpusDocument:
    document_id: str
    format: DocumentFormat
    path: Path

    def extracted(self) -> ExtractedDocument:
        if self.format == "faq":
            pairs = json.loads(self.path.read_text())
            return extract_faq([FaqPair.model_validate(p) for p in pairs])
        return extract(self.format, self.path.read_bytes())


@dataclass(frozen=True)
class LabelledQuestion:
    question: str
    document_id: str
    heading: str


@dataclass(frozen=True)
class Corpus:
    documents: tuple[CorpusDocument, ...]
    questions: tuple[LabelledQuestion, ...]
    off_topic: tuple[str, ...]


def load_corpus() -> Corpus:
    raw: dict[str, Any] = json.loads((CORPUS_DIR / "questions.json").read_text())
    return Corpus(
        documents=tuple(
            CorpusDocument(d["document_id"], d["format"], CORPUS_DIR / d["file"])
            for d in raw["documents"]
        ),
        questions=tuple(LabelledQuestion(**q) for q in raw["questions"]),
        off_topic=tuple(raw["off_topic"]),
    )


async def index_corpus(
    index: WorkspaceIndex, corpus: Corpus, *, knowledge_base_id: str = KNOWLEDGE_BASE
) -> int:
    """Index every document as revision 1; the number of chunks written."""
    total = 0
    for document in corpus.documents:
        extracted = document.extracted()
        chunks = chunk_document(extracted)
        total += await index.replace_document(
            knowledge_base_id, document.document_id, 1, extracted.title, chunks
        )
    return total
