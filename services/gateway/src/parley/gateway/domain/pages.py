"""Keyset pages: rows in (created_at, id) order, the cursor naming the last row handed out.

A cursor is opaque to clients (URL-safe base64 of JSON), and a row inserted meanwhile never
shifts a page the way an offset would: every row comes exactly once.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

MAX_LIMIT = 100

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(frozen=True)

    items: tuple[T, ...]
    next_cursor: str | None


class Position(BaseModel):
    model_config = ConfigDict(frozen=True)

    created_at: datetime
    id: str


class BadCursor(ValueError):
    pass


def encode_cursor(created_at: datetime, row_id: str) -> str:
    raw = json.dumps([created_at.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, row_id = json.loads(raw)
        position = Position(created_at=datetime.fromisoformat(at), id=row_id)
    except (binascii.Error, ValueError, TypeError) as error:
        raise BadCursor("not a cursor this list handed out") from error
    if position.created_at.tzinfo is None:
        raise BadCursor("not a cursor this list handed out")
    return position


def limit_problem(limit: int) -> str | None:
    if not 1 <= limit <= MAX_LIMIT:
        return f"must be between 1 and {MAX_LIMIT}"
    return None
