"""Shared bits of the identity tables' SQL: schema-qualified names and keyset conditions."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.gateway.domain.pages import Position

_SCHEMA = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def checked_schema(schema: str) -> str:
    """The schema is interpolated into SQL, so it must be a plain identifier."""
    if not _SCHEMA.match(schema):
        raise ValueError(f"invalid schema name {schema!r}")
    return schema


class Tables:
    """Schema-qualified table names, for f-strings: `f"SELECT … FROM {self.t.users}"`."""

    def __init__(self, schema: str) -> None:
        s = f'"{checked_schema(schema)}"'
        self.users = f"{s}.users"
        self.organizations = f"{s}.organizations"
        self.workspaces = f"{s}.workspaces"
        self.memberships = f"{s}.memberships"
        self.invitations = f"{s}.invitations"
        self.sessions = f"{s}.sessions"
        self.refresh_tokens = f"{s}.refresh_tokens"
        self.api_keys = f"{s}.api_keys"


class Repository:
    """Statements over one connection, inside the caller's transaction."""

    def __init__(self, conn: AsyncConnection, tables: Tables) -> None:
        self.conn = conn
        self.t = tables


def after(position: Position | None, at: str, row_id: str) -> tuple[str, dict[str, Any]]:
    """The condition `AND (at, id) > cursor` and its parameters; nothing for the first page."""
    if position is None:
        return "", {}
    return (
        f" AND ({at}, {row_id}) > (CAST(:after_at AS timestamptz), CAST(:after_id AS text))",
        {"after_at": position.created_at, "after_id": position.id},
    )


def mapping(row: Row[Any]) -> dict[str, Any]:
    return dict(row._mapping)
