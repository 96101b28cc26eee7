"""The pure parts of `parley events tail`: which consumers to open, and how a message reads."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import ValidationError

from parley.contracts.envelope import Envelope
from parley.contracts.streams import StreamSpec
from parley.runtime.eventstore import commits

_SINCE = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
PAYLOAD_WIDTH = 160


def parse_since(text: str) -> timedelta:
    """`90s`, `5m`, `2h`, `1d`."""
    match = _SINCE.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30s, 5m, 2h or 1d")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def covers(wide: str, narrow: str) -> bool:
    """Whether every subject that `narrow` matches is also matched by `wide`."""
    w, n = wide.split("."), narrow.split(".")
    for i, token in enumerate(w):
        if token == ">":
            return len(n) > i
        if i >= len(n) or n[i] == ">":
            return False
        if token != "*" and token != n[i]:
            return False
    return len(n) == len(w)


def overlap(a: str, b: str) -> bool:
    """Whether some subject is matched by both patterns."""
    x, y = a.split("."), b.split(".")
    for i in range(min(len(x), len(y))):
        if ">" in (x[i], y[i]):
            return True
        if "*" not in (x[i], y[i]) and x[i] != y[i]:
            return False
    return len(x) == len(y)


def consumer_plan(filter_subject: str, streams: Iterable[StreamSpec]) -> list[tuple[str, str]]:
    """(stream, filter) pairs to subscribe to. A consumer's filter must lie within its stream's
    subjects, so a wide filter is narrowed to each stream subject it covers."""
    plan: list[tuple[str, str]] = []
    for spec in streams:
        for subject in spec.all_subjects():
            if covers(filter_subject, subject):
                plan.append((spec.name, subject))
            elif overlap(filter_subject, subject):
                plan.append((spec.name, filter_subject))
    return list(dict.fromkeys(plan))


def _clip(text: str, width: int = PAYLOAD_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render(subject: str, data: bytes, stored_at: datetime | None) -> str:
    """Readable lines, one per event (a commit holds several); messages that are not envelopes
    (counters, raw webhooks) show raw."""
    try:
        envelopes = commits.decode(data)
    except (ValidationError, ValueError):
        when = f"{stored_at:%H:%M:%S.%f}"[:12] if stored_at else "--:--:--.---"
        return f"{when}  {subject}  (raw)  {_clip(data.decode(errors='replace'))}"
    return "\n".join(_line(subject, envelope) for envelope in envelopes)


def _line(subject: str, envelope: Envelope) -> str:
    when = f"{envelope.occurred_at:%H:%M:%S.%f}"[:12]
    payload = json.dumps(envelope.data, separators=(",", ":"), ensure_ascii=False, default=str)
    return f"{when}  {subject}  {envelope.type}  ws={envelope.workspace_id}  {_clip(payload)}"
