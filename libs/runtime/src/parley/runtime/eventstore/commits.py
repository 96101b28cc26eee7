"""How a decision's events are laid out in the stream: one message per decision.

A decision of one event is that event's envelope, as any message. A decision of several is one
message whose body is the JSON array of their envelopes (a commit), so it is written, deduplicated
and checked against the expected sequence in one publish, and is atomic because it is one
message. JetStream's own atomic batches (ADR-50) were measured here at about 400 decisions/s per
stream against 12,000 for single messages (`bench/eventstore.py`), which made them the engine's
bottleneck.

Headers say what a message holds without decoding it: `Parley-Type` lists the wire names, comma
separated, in order; `Parley-Commit` gives the count of a multi-event commit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from parley.contracts.envelope import Envelope

TYPE_HEADER = "Parley-Type"
COMMIT_HEADER = "Parley-Commit"


def encode(envelopes: Sequence[Envelope]) -> bytes:
    if len(envelopes) == 1:
        return envelopes[0].to_bytes()
    return b"[" + b",".join(e.to_bytes() for e in envelopes) + b"]"


def decode(data: bytes, *, strict: bool | None = None) -> list[Envelope]:
    """The envelopes of a stored message: one, or every event of a commit, in order."""
    if data[:1] != b"[":
        return [Envelope.from_bytes(data, strict=strict)]
    # Each element is re-serialised and parsed as its own envelope: the strictness rules (and
    # their error messages) are exactly those of a single message.
    return [
        Envelope.from_bytes(json.dumps(item).encode(), strict=strict) for item in json.loads(data)
    ]


def types_of(headers: Mapping[str, str] | None) -> list[str] | None:
    """The wire names a stored message holds, from its headers; None when it has none."""
    named = (headers or {}).get(TYPE_HEADER)
    return named.split(",") if named else None


def handled_envelopes(
    headers: Mapping[str, str] | None, data: bytes, handled: frozenset[str]
) -> list[Envelope]:
    """The envelopes of a stored message (one, or each of a commit's) whose type is in
    `handled`, in order. A consumer of another context's stream calls this rather than
    `Envelope.from_bytes`, which a commit (a JSON array) would fail; the header answers first,
    so a message holding nothing handled is never parsed."""
    named = types_of(headers)
    if named is not None and handled.isdisjoint(named):
        return []
    return [envelope for envelope in decode(data) if envelope.type in handled]
