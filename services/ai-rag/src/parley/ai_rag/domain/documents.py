"""Turn a document's bytes into titled sections of plain text, each under its heading path.

The heading path ("Pricing > Refunds") travels with every chunk cut from a section, so a passage
says where in the document it came from and the chunker never glues two topics together.
Extraction is pure: bytes in, sections out; fetching URLs and reading the object store is the
service's business.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag
from markdown_it import MarkdownIt
from markdown_it.token import Token
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from parley.contracts.ai.knowledge import DocumentFormat, FaqPair

HEADING_SEPARATOR = " > "
MAX_TITLE = 120
_BLANK_LINES = re.compile(r"\n\s*\n")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_DROPPED_HTML = ("script", "style", "nav", "footer", "noscript", "template", "svg", "form")
_HTML_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HTML_BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "aside", "header", "blockquote", "pre", "ul",
     "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "figure", "figcaption",
     "address", "br", "hr"}
)  # fmt: skip


@dataclass(frozen=True)
class Section:
    heading: str  # heading path "Pricing > Refunds", "" before the first heading
    text: str


@dataclass(frozen=True)
class ExtractedDocument:
    title: str
    sections: tuple[Section, ...]


class DocumentUnreadable(ValueError):
    """The content cannot be indexed; the message says what the user can do about it."""


def extract(format: DocumentFormat, content: bytes, *, content_type: str = "") -> ExtractedDocument:
    if not content.strip():
        raise DocumentUnreadable("the document is empty; add some text and upload it again")
    if format == "text":
        return _plain(_decode(content, content_type))
    if format == "markdown":
        return _markdown(_decode(content, content_type))
    if format == "html":
        return _html(content, content_type)
    if format == "pdf":
        return _pdf(content)
    raise DocumentUnreadable(f"format {format!r} is not extracted from bytes here")


def extract_faq(pairs: Sequence[FaqPair]) -> ExtractedDocument:
    """One section per pair: the question is the heading, so a passage carries it."""
    sections = tuple(
        Section(heading=_clean(pair.question), text=_clean(pair.answer))
        for pair in pairs
        if _clean(pair.answer)
    )
    if not sections:
        raise DocumentUnreadable("the FAQ has no answered questions")
    return ExtractedDocument(title="FAQ", sections=sections)


# -- helpers -------------------------------------------------------------------------------------


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset=([\w\-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _decode(content: bytes, content_type: str) -> str:
    for encoding in (_charset(content_type), "utf-8-sig"):
        if encoding:
            try:
                return content.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    return content.decode("cp1252", errors="replace")  # old Windows exports, the usual culprit


def _clean(text: str) -> str:
    """Collapse runs of spaces in each line and runs of blank lines; keep paragraph breaks."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _title(title: str, sections: Iterable[Section]) -> str:
    if title.strip():
        return _clean(title)[:MAX_TITLE]
    for section in sections:
        for line in (section.heading, *section.text.split("\n")):
            if line.strip():
                return line.strip()[:MAX_TITLE]
    return ""


def _finish(title: str, sections: list[Section]) -> ExtractedDocument:
    kept = tuple(s for s in (Section(s.heading, _clean(s.text)) for s in sections) if s.text)
    if not kept:
        raise DocumentUnreadable("no text was found in the document")
    return ExtractedDocument(title=_title(title, kept), sections=kept)


class _Outline:
    """Collects paragraphs under the current heading path."""

    def __init__(self) -> None:
        self.sections: list[Section] = []
        self._path: list[tuple[int, str]] = []
        self._paragraphs: list[str] = []
        self.first_h1 = ""

    def heading(self, level: int, text: str) -> None:
        self.flush()
        text = _clean(text).replace("\n", " ")
        if level == 1 and not self.first_h1:
            self.first_h1 = text
        self._path = [(lvl, t) for lvl, t in self._path if lvl < level]
        if text:
            self._path.append((level, text))

    def paragraph(self, text: str) -> None:
        if text.strip():
            self._paragraphs.append(text.strip())

    def flush(self) -> None:
        if self._paragraphs:
            path = HEADING_SEPARATOR.join(t for _, t in self._path)
            self.sections.append(Section(path, "\n\n".join(self._paragraphs)))
            self._paragraphs = []


_LIST_LINE = re.compile(r"^\s*([-*•·]|\d{1,3}[.)])\s")


def _reflow(text: str) -> str:
    """Join hard-wrapped lines of a paragraph (plain text, PDF lines) into one line, but keep
    lines that start a list item; paragraphs stay apart."""
    paragraphs = []
    for paragraph in _BLANK_LINES.split(text.replace("\r\n", "\n")):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        joined = ""
        for line in lines:
            glue = "\n" if _LIST_LINE.match(line) else " "
            joined = f"{joined}{glue}{line}" if joined else line
        paragraphs.append(joined)
    return "\n\n".join(p for p in paragraphs if p)


def _plain(text: str) -> ExtractedDocument:
    return _finish("", [Section("", _reflow(text))])


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)  # the alt text
    return "".join(parts)


def _markdown(source: str) -> ExtractedDocument:
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    outline = _Outline()
    heading_level = 0
    list_depth = 0
    row: list[str] | None = None
    for token in tokens:
        if token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "heading_close":
            heading_level = 0
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            outline.paragraph(" | ".join(row))
            row = None
        elif token.type == "inline":
            text = _inline_text(token)
            if heading_level:
                outline.heading(heading_level, text)
            elif row is not None:
                row.append(text.strip())
            else:
                outline.paragraph(f"- {text}" if list_depth else text)
        elif token.type in ("fence", "code_block"):
            outline.paragraph(token.content)
    outline.flush()
    return _finish(outline.first_h1, outline.sections)


def _html(content: bytes, content_type: str) -> ExtractedDocument:
    soup = BeautifulSoup(content, "html.parser", from_encoding=_charset(content_type))
    for tag in soup.find_all(_DROPPED_HTML):
        tag.decompose()
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag is not None else ""
    outline = _Outline()
    buffer: list[str] = []

    def flush(prefix: str = "") -> None:
        text = _SPACES.sub(" ", "".join(buffer)).strip()
        buffer.clear()
        if text:
            outline.paragraph(prefix + text)

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not comments, doctypes, CDATA
                    buffer.append(str(child))
            elif isinstance(child, Tag):
                if child.name in _HTML_HEADINGS:
                    flush()
                    outline.heading(int(child.name[1]), child.get_text(" ", strip=True))
                elif child.name == "tr":
                    flush()
                    cells = [c.get_text(" ", strip=True) for c in child.find_all(("td", "th"))]
                    outline.paragraph(" | ".join(c for c in cells if c))
                elif child.name in _HTML_BLOCKS:
                    flush()
                    walk(child)
                    flush("- " if child.name == "li" else "")
                else:
                    walk(child)

    walk(soup.body if soup.body is not None else soup)
    flush()
    outline.flush()
    return _finish(title or outline.first_h1, outline.sections)


def _pdf(content: bytes) -> ExtractedDocument:
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise DocumentUnreadable("the PDF is password-protected; upload an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str(reader.metadata.title or "") if reader.metadata else ""
    except (PdfReadError, ValueError, KeyError, TypeError) as err:
        if isinstance(err, DocumentUnreadable):
            raise
        raise DocumentUnreadable(f"the file is not a readable PDF ({err})") from None
    if not any(page.strip() for page in pages):
        raise DocumentUnreadable(
            "the PDF has no text layer (a scan?); upload a PDF with selectable text or paste it"
        )
    # Pages are joined with a paragraph break: pypdf gives no headings, and a paragraph that
    # runs over a page end is better cut there than glued to the next page's first line.
    return _finish(title, [Section("", "\n\n".join(_reflow(page) for page in pages))])
