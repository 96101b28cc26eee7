"""Text normalization for keyword triggers: what "case- and accent-insensitive" means here.

Contacts type "HOLA", "hóla", " hola! " or "¡Hola!" and mean the same word, so keywords and
messages go through the same function before comparing. Word boundaries are checked on the
normalized text so that "price" finds "the price?" but not "priceless".
"""

from __future__ import annotations

import unicodedata


def normalize_text(text: str) -> str:
    """Case-folded, accents removed, compatibility forms unified, whitespace collapsed.

    Casefold comes first because it can itself produce combining marks ("İ" → "i" + dot above),
    which the decomposition step then drops.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


def bare_text(text: str) -> str:
    """`normalize_text` without surrounding punctuation ("¡hola!" → "hola").

    Text that is nothing but punctuation keeps it, so a keyword "?" still compares with a
    message "?" instead of both collapsing to an empty string that would equal anything empty.
    """
    normalized = normalize_text(text)
    start, end = 0, len(normalized)
    while start < end and _is_edge_noise(normalized[start]):
        start += 1
    while end > start and _is_edge_noise(normalized[end - 1]):
        end -= 1
    return normalized[start:end] or normalized


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` without cutting a word in two, on either side."""
    if not phrase:
        return False
    start = text.find(phrase)
    while start != -1:
        if _bounded(text, phrase, start):
            return True
        start = text.find(phrase, start + 1)
    return False


def starts_with_phrase(text: str, phrase: str) -> bool:
    """Whether `text` opens with `phrase` as whole words ("hi there", not "hiking")."""
    return bool(phrase) and text.startswith(phrase) and _bounded(text, phrase, 0)


def _bounded(text: str, phrase: str, start: int) -> bool:
    # A boundary is only required where the phrase itself has a word character at its edge:
    # "c++" followed by "x" is still the phrase "c++", but "hi" followed by "k" is not "hi".
    end = start + len(phrase)
    before_ok = start == 0 or not (_is_word(phrase[0]) and _is_word(text[start - 1]))
    after_ok = end == len(text) or not (_is_word(phrase[-1]) and _is_word(text[end]))
    return before_ok and after_ok


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _is_edge_noise(char: str) -> bool:
    # Unicode punctuation (P*) covers "!?.¡¿,;:" and their full-width forms; spaces are already
    # collapsed but a space can sit next to punctuation ("hola !").
    return char.isspace() or unicodedata.category(char).startswith("P")
