"""Event store errors."""

from __future__ import annotations

import re

_WRONG_LAST = re.compile(r"wrong last sequence: (\d+)")

# JetStream API error codes we act on (nats-server, JSErrCodes).
ERR_WRONG_LAST_SEQUENCE = 10071


class ConcurrencyError(Exception):
    """Someone appended to the subject since the caller loaded it: reload, decide again."""

    def __init__(self, subject: str, expected: int, actual: int | None) -> None:
        seen = "unknown" if actual is None else str(actual)
        super().__init__(
            f"concurrent append on {subject}: expected last sequence {expected}, stream has {seen}"
        )
        self.subject = subject
        self.expected = expected
        self.actual = actual


class AppendError(Exception):
    """JetStream refused an append for a reason other than concurrency."""


def actual_from_description(description: str | None) -> int | None:
    if not description:
        return None
    match = _WRONG_LAST.search(description)
    return int(match.group(1)) if match else None
