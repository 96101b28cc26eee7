"""Writes testing/corpus/allergens.pdf: a minimal, valid PDF 1.4 with a real text layer.

pypdf reads PDFs but does not lay out text, so the file is written object by object (catalog,
pages, one page, a standard Helvetica font, a content stream of text lines) with an exact
cross-reference table. Run `python -m parley.ai_rag.testing.corpus_pdf` after editing `LINES`.
"""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).with_name("corpus")
TITLE = "Allergen information"
LINES = [
    "Allergen information",
    "",
    "Everything we bake is made in one kitchen that handles wheat, milk, eggs, nuts and sesame.",
    "We cannot guarantee that any product is free of traces of these allergens.",
    "",
    "Gluten: we bake a gluten-free loaf and gluten-free brownies on Thursdays only, before",
    "the wheat bread, and keep them sealed. They are not suitable for people with coeliac disease",
    "who must avoid all traces of gluten.",
    "",
    "Nuts: our almond croissants, walnut bread and pistachio cake contain tree nuts. Peanuts are",
    "not used in any recipe.",
    "",
    "Vegan options: the sourdough country loaf, the baguette and the rye loaf are vegan.",
    "Our pastries contain butter and eggs and are not vegan.",
    "",
    "Lactose: ask for oat or soy milk in any coffee. Cakes and pastries contain milk.",
    "",
    "The full list of ingredients of every product is available at the counter and by WhatsApp.",
]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def build(lines: list[str] = LINES, title: str = TITLE) -> bytes:
    text = ["BT", "/F1 10 Tf", "14 TL", "50 790 Td"]
    for line in lines:
        text.append(f"({_escape(line)}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title (" + _escape(title).encode("latin-1") + b") /Producer (Parley tests) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


if __name__ == "__main__":
    (CORPUS / "allergens.pdf").write_bytes(build())
