"""The offline embedder's arithmetic: hashed word and character n-gram features of a text.

No model and no vocabulary file: a feature's index is a CRC-32 of its string, stable across
processes and versions of Python (unlike `hash`). Two vectors come from the same features:

- sparse, for lexical search: each feature's term frequency saturated and length-normalised as
  in BM25 (k1, b; the document length in features against a typical chunk's). The IDF half of
  BM25 is left to Qdrant (the sparse vector's `Modifier.IDF`), which knows the corpus; query
  vectors carry plain weights for it to multiply;
- dense, for the semantic-ish half of hybrid search and for the relevance score: the features
  hashed into `DENSE_SIZE` signed buckets (the "hashing trick"), sublinear tf, unit length, so a
  dot product is a cosine.

Character n-grams of each word (with boundary marks, "<deliver>" -> "<de", "del", ...) let
"deliver" match "delivery" and survive typos; the whole word is a feature too, and weighs more.
English stop words are dropped: they carry no topic and would make every cosine look related.
Changing anything here changes the vectors: bump `VERSION`, so collections built with the old
arithmetic are refused instead of silently mismatched.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable

VERSION = 1
DENSE_SIZE = 512
NGRAM_SIZES = (3, 4)
WORD_WEIGHT = 2.0  # a whole-word match counts as much as two n-grams
K1 = 1.2
B = 0.75
TYPICAL_FEATURES = 400.0  # the length in features of a typical ~1,000-character chunk
_SIGN_SEED = 0x9E3779B9

_WORD = re.compile(r"\w+", re.UNICODE)
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves s t don ll re ve d m
    hi hello please thanks thank us get got also want need like know tell much many""".split()  # noqa: SIM905 (reads as prose)
)


def words(text: str) -> list[str]:
    """Lower-cased, accent-folded words without stop words ("Café" -> "cafe")."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [w for w in _WORD.findall(folded) if w not in STOP_WORDS and w != "_"]


def features(text: str) -> Counter[str]:
    """Feature -> weighted count: each word once (weighted), plus its character n-grams."""
    counts: Counter[str] = Counter()
    for word in words(text):
        counts["w:" + word] += 1
        marked = f"<{word}>"
        for n in NGRAM_SIZES:
            if len(marked) < n:
                continue
            for start in range(len(marked) - n + 1):
                counts[marked[start : start + n]] += 1
    return counts


def _weight(feature: str) -> float:
    return WORD_WEIGHT if feature.startswith("w:") else 1.0


def feature_index(feature: str) -> int:
    return zlib.crc32(feature.encode())  # 0 .. 2**32-1, what Qdrant's sparse indices accept


def sparse_document(counts: Counter[str]) -> dict[int, float]:
    """BM25's tf part: tf (k1 + 1) / (tf + k1 (1 - b + b dl/avgdl)), times the feature weight."""
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / TYPICAL_FEATURES)
    return _merge(
        (feature, _weight(feature) * tf * (K1 + 1) / (tf + norm)) for feature, tf in counts.items()
    )


def sparse_query(counts: Counter[str]) -> dict[int, float]:
    """Each distinct query feature at its weight; Qdrant multiplies in the idf."""
    return _merge((feature, _weight(feature)) for feature in counts)


def _merge(weighted: Iterable[tuple[str, float]]) -> dict[int, float]:
    out: dict[int, float] = {}
    for feature, value in weighted:
        index = feature_index(feature)
        out[index] = out.get(index, 0.0) + value  # a CRC collision adds, as hashing does
    return out


def dense(counts: Counter[str], size: int = DENSE_SIZE) -> list[float]:
    vector = [0.0] * size
    for feature, tf in counts.items():
        data = feature.encode()
        bucket = zlib.crc32(data) % size
        sign = 1.0 if zlib.crc32(data, _SIGN_SEED) & 1 else -1.0
        vector[bucket] += sign * _weight(feature) * (1.0 + math.log(tf))
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm else vector
