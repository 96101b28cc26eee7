"""When a failed external call is tried again: exponential backoff with jitter. Pure.

The jitter is drawn from a hash of the request id rather than a random generator: retries of
different executions still spread out (what jitter is for), and replaying the log needs no
recorded random number to land on the same retry time.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

BASE_SECONDS = 2.0
CAP_SECONDS = 300.0


def backoff_seconds(attempt: int, request_id: str) -> float:
    """The wait after failed attempt `attempt` (1-based): 2 s, 4 s, 8 s... capped at 5 min,
    each scaled by a jitter factor in [0.5, 1)."""
    ceiling = min(CAP_SECONDS, BASE_SECONDS * 2.0 ** (attempt - 1))
    digest = hashlib.sha256(request_id.encode()).digest()
    jitter = 0.5 + int.from_bytes(digest[:8], "big") / 2**64 / 2
    return ceiling * jitter


def retry_at(now: datetime, attempt: int, request_id: str) -> datetime:
    return now + timedelta(seconds=backoff_seconds(attempt, request_id))
