"""Cut extracted sections into passages small enough to embed and to quote.

A chunk never spans two sections, so it sits under exactly one heading path. A long section is
cut at paragraph breaks, a paragraph too long for one chunk at sentence ends, and only a
sentence longer than a whole chunk at a space. Consecutive chunks of a section share up to
`overlap` characters of whole sentences, so an answer that straddles a cut is still found whole
in one of them. Chunk text is the document's own text: the heading is kept apart in `.heading`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.ai_rag.domain.documents import ExtractedDocument

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Chunk:
    index: int  # position within the document, from 0
    heading: str
    text: str


@dataclass(frozen=True)
class _Piece:
    text: str
    starts_paragraph: bool


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def chunk_document(
    doc: ExtractedDocument, *, max_chars: int = 1200, overlap: int = 150
) -> list[Chunk]:
    if max_chars < 100 or not 0 <= overlap < max_chars // 2:
        raise ValueError("max_chars must be >= 100 and overlap under half of it")
    chunks: list[Chunk] = []
    for section in doc.sections:
        for text in _pack(_pieces(section.text, max_chars), max_chars, overlap):
            chunks.append(Chunk(len(chunks), section.heading, text))
    return chunks


def _pieces(text: str, max_chars: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    for paragraph in _PARAGRAPH.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= max_chars:
            pieces.append(_Piece(paragraph, True))
            continue
        first = True
        for sentence in split_sentences(paragraph):
            for part in _hard_split(sentence, max_chars):
                pieces.append(_Piece(part, first))
                first = False
    return pieces


def _hard_split(sentence: str, max_chars: int) -> list[str]:
    """A sentence longer than a chunk (a table row, a list without stops) is cut at spaces."""
    parts: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        cut = rest.rfind(" ", 0, max_chars)
        cut = cut if cut > max_chars // 2 else max_chars
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return parts


def _join(pieces: list[_Piece]) -> str:
    out = ""
    for n, piece in enumerate(pieces):
        if n:
            out += "\n\n" if piece.starts_paragraph else " "
        out += piece.text
    return out


def _pack(pieces: list[_Piece], max_chars: int, overlap: int) -> list[str]:
    texts: list[str] = []
    current: list[_Piece] = []
    fresh = 0  # how many pieces of `current` are not carried over from the previous chunk
    for piece in pieces:
        if current and len(_join([*current, piece])) > max_chars:
            if fresh:
                texts.append(_join(current))
            current, fresh = _tail(current, overlap), 0
            if current and len(_join([*current, piece])) > max_chars:
                current = []
        current.append(piece)
        fresh += 1
    if current and fresh:
        texts.append(_join(current))
    return texts


def _tail(pieces: list[_Piece], overlap: int) -> list[_Piece]:
    """The last whole sentences of a chunk, at most `overlap` characters, to open the next."""
    if overlap <= 0:
        return []
    tail: list[_Piece] = []
    for piece in reversed(pieces):
        if len(_join([piece, *tail])) > overlap:
            break
        tail.insert(0, piece)
    if tail:  # a carried piece opens the chunk, so it reads as the start of a paragraph
        tail[0] = _Piece(tail[0].text, True)
    return tail
