"""Opaque keyset cursors of crm's listings: the sort key of a page's last row.

A cursor is base64url of `{"k": <listing>, "after": [<key>...]}`; it names the listing (and
order) that issued it, so a cursor of one is refused by another instead of being misread.
A position needs no secrecy: every read is scoped to its workspace anyway.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter

from parley.runtime.queries import QueryRefused

T = TypeVar("T")

MALFORMED = "cursor: not a cursor this listing issued"


def encode(listing: str, *after: str | datetime | None) -> str:
    key = [value.isoformat() if isinstance(value, datetime) else value for value in after]
    raw = json.dumps({"k": listing, "after": key}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(listing: str, cursor: str, shape: TypeAdapter[T]) -> T:
    """The key `encode(listing, ...)` was given; QueryRefused 400 for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body: Any = json.loads(raw)
        if not isinstance(body, dict) or body.get("k") != listing:
            raise ValueError(listing)
        return shape.validate_python(body.get("after"))
    except ValueError:  # bad base64 or JSON, another listing's, a wrong key: all ValueErrors
        raise QueryRefused("400", MALFORMED) from None
