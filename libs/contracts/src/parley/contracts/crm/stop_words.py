"""Which replies opt a contact out: STOP and unsubscribe words, by language.

Shared because two services act on them. Messaging checks every inbound text at the door and
marks the conversation opted out before it publishes the message, so no flow reply and no
campaign send can slip out after a STOP; crm records the ContactOptedOut from the same message.
The workspace's choice (languages, extra words) lives in crm and is mirrored into the KV bucket
`CONSENT_KEYWORDS_BUCKET` under the workspace id, where messaging reads it.

A reply opts out when, ignoring case, accents, surrounding punctuation and spaces, it *is* one of
the words: "stop" does, "please don't stop the music" does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

CONSENT_KEYWORDS_BUCKET = "crm_consent_keywords"

STOP_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("stop", "unsubscribe", "stop all", "opt out", "optout", "cancel", "end", "quit"),
    "es": ("baja", "alto", "parar", "detener", "cancelar", "darme de baja", "no mas"),
    "pt": ("parar", "sair", "cancelar", "descadastrar", "nao quero mais", "pare"),
    "fr": ("stop", "arret", "arreter", "desabonner", "desinscrire"),
    "de": ("stopp", "stop", "abmelden", "abbestellen", "kundigen"),
    "it": ("stop", "basta", "annulla", "disiscrivimi", "cancellami"),
    "id": ("berhenti", "stop", "batal"),
    "hi": ("band karo", "रोकें", "बंद"),
    "ar": ("توقف", "الغاء", "إلغاء"),
}
DEFAULT_LANGUAGES: tuple[str, ...] = ("en",)
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(STOP_WORDS)

_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")


class ConsentKeywords(BaseModel):
    """A workspace's settings as mirrored for messaging."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    extra_keywords: tuple[str, ...] = ()

    def words(self) -> frozenset[str]:
        return stop_words(self.languages, self.extra_keywords)


def normalize(text: str) -> str:
    """Lower case, accents stripped, inner spaces collapsed, punctuation at the edges dropped."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _EDGES.sub("", bare.strip()))


def stop_words(languages: Iterable[str], extra: Iterable[str] = ()) -> frozenset[str]:
    words = {normalize(w) for lang in languages for w in STOP_WORDS.get(lang.split("-")[0], ())}
    words.update(normalize(w) for w in extra)
    words.discard("")
    return frozenset(words)


def is_stop(text: str, words: frozenset[str]) -> str | None:
    """The keyword the text is, or None."""
    if len(text) > 100:  # a long message is a conversation, not a STOP
        return None
    candidate = normalize(text)
    return candidate if candidate in words else None
