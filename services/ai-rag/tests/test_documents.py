"""Extraction of each format: text, headings, what is dropped, and errors a user can act on."""

from __future__ import annotations

import pytest

from parley.ai_rag.domain.documents import DocumentUnreadable, extract, extract_faq
from parley.ai_rag.testing.corpus_pdf import build
from parley.ai_rag.testing.labelled import CORPUS_DIR, load_corpus
from parley.contracts.ai.knowledge import FaqPair


def test_markdown_headings_become_paths() -> None:
    doc = extract("markdown", (CORPUS_DIR / "hours-and-location.md").read_bytes())
    assert doc.title == "Crumb & Co. Bakery"
    headings = [s.heading for s in doc.sections]
    assert "Crumb & Co. Bakery > Opening hours > Public holidays" in headings
    assert "Crumb & Co. Bakery > Finding us > Parking" in headings
    hours = next(s for s in doc.sections if s.heading.endswith("Opening hours"))
    # Emphasis markup is gone; a soft line break is a space.
    assert "Monday to Friday from 7:00 to 19:00 and on Saturday" in hours.text
    assert "**" not in hours.text


def test_markdown_lists_tables_and_sibling_headings() -> None:
    source = (
        b"# A\n\n## B\n\n- one\n- two\n\n## C\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n# D\n\ntext\n"
    )
    doc = extract("markdown", source)
    assert [(s.heading, s.text) for s in doc.sections] == [
        ("A > B", "- one\n\n- two"),
        ("A > C", "x | y\n\n1 | 2"),
        ("D", "text"),
    ]


def test_html_keeps_headings_and_drops_scripts_nav_footer() -> None:
    doc = extract("html", (CORPUS_DIR / "menu-and-prices.html").read_bytes())
    assert doc.title == "Menu and prices - Crumb & Co. Bakery"
    by_heading = {s.heading: s.text for s in doc.sections}
    assert "Sourdough country loaf (800 g) | 4.80 EUR" in by_heading["Menu and prices > Bread"]
    assert "- Butter croissant: 1.50 EUR" in by_heading["Menu and prices > Pastries"]
    assert "72 hours" in by_heading["Menu and prices > Celebration cakes > Ordering a custom cake"]
    everything = " ".join(by_heading.values())
    for dropped in ("do not index me", "font-family", "Home", "Copyright"):
        assert dropped not in everything


def test_html_charset_from_content_type() -> None:
    doc = extract(
        "html", "<p>Pão de ló</p>".encode("latin-1"), content_type="text/html; charset=latin-1"
    )
    assert doc.sections[0].text == "Pão de ló"


def test_text_reflows_wrapped_lines_and_keeps_paragraphs() -> None:
    doc = extract("text", (CORPUS_DIR / "delivery-and-orders.txt").read_bytes())
    assert doc.title == "Delivery and orders"
    (section,) = doc.sections
    assert section.heading == ""
    paragraphs = section.text.split("\n\n")
    assert paragraphs[0] == "Delivery and orders"
    assert paragraphs[2].startswith(
        "The delivery fee is 3.50 EUR within 5 km of the shop and 6 EUR"
    )
    assert "\n" not in paragraphs[2]


def test_pdf_text_layer_and_title() -> None:
    doc = extract("pdf", (CORPUS_DIR / "allergens.pdf").read_bytes())
    assert doc.title == "Allergen information"
    text = " ".join(s.text for s in doc.sections)
    assert "Peanuts are not used in any recipe." in text


def test_pdf_errors_say_what_to_do() -> None:
    with pytest.raises(DocumentUnreadable, match="not a readable PDF"):
        extract("pdf", b"%PDF-1.4 this is not really a pdf")
    with pytest.raises(DocumentUnreadable, match="no text layer"):
        extract("pdf", build(lines=[]))


def test_empty_and_unsupported() -> None:
    with pytest.raises(DocumentUnreadable, match="empty"):
        extract("text", b"  \n ")
    with pytest.raises(DocumentUnreadable, match="not extracted"):
        extract("url", b"https://example.com")


def test_faq_one_section_per_pair_question_as_heading() -> None:
    doc = extract_faq([FaqPair(question="Do you open late?", answer="Until 19:00 on weekdays.")])
    assert doc.sections[0].heading == "Do you open late?"
    assert doc.sections[0].text == "Until 19:00 on weekdays."
    corpus_faq = next(d for d in load_corpus().documents if d.format == "faq").extracted()
    assert len(corpus_faq.sections) == 6
