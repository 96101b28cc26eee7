"""Opaque keyset cursors: the sort key of a page's last row, handed back for the next page.

A cursor is base64url of `{"k": <listing>, "after": [<key>...]}`. It says which listing issued it,
so one listing's cursor is refused by another rather than silently read as a wrong position.
Pure: no I/O. A position needs no secrecy, since every query is scoped to the workspace anyway.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import AwareDatetime, TypeAdapter

from parley.runtime.queries import QueryRefused

T = TypeVar("T")
R = TypeVar("R")

MALFORMED = "cursor: not a cursor this API issued"

TIME_AND_ID: TypeAdapter[tuple[AwareDatetime, str]] = TypeAdapter(tuple[AwareDatetime, str])
VERSION: TypeAdapter[tuple[int]] = TypeAdapter(tuple[int])


def encode(listing: str, *after: str | int | datetime) -> str:
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


def split_page(rows: Sequence[R], limit: int) -> tuple[Sequence[R], bool]:
    """The page and whether more follow, from `limit + 1` fetched rows."""
    return rows[:limit], len(rows) > limit
