"""Identifiers. UUIDv7 sorts by creation time, which keeps logs and indexes in order."""

from __future__ import annotations

from uuid import UUID

from uuid6 import uuid7


def new_id() -> UUID:
    return uuid7()
