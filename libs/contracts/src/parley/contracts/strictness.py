"""Whether readers forbid unknown fields: tolerant in production, strict under test.

The pytest plugin sets `PARLEY_STRICT_CONTRACTS=1` for the test process and every process it
starts, so a producer and a consumer that disagree on a contract fail a test instead of silently
dropping a field. A caller may still pass `strict=` explicitly.
"""

from __future__ import annotations

import os

STRICT_ENV = "PARLEY_STRICT_CONTRACTS"


def resolve(strict: bool | None) -> bool:
    if strict is not None:
        return strict
    return os.environ.get(STRICT_ENV) == "1"
