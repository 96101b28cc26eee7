"""Helpers shared by the identity use cases: the clock, ids, input checks, access, pages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from parley.contracts.ids import new_id
from parley.gateway.adapters.membership_store import MembershipRows
from parley.gateway.application.errors import IdentityError
from parley.gateway.domain.emails import email_problem, normalize_email
from parley.gateway.domain.names import clean_name, name_problem
from parley.gateway.domain.pages import BadCursor, Page, Position, decode_cursor, limit_problem
from parley.gateway.domain.pages import encode_cursor as encode
from parley.gateway.domain.roles import Role, can

Clock = Callable[[], datetime]
T = TypeVar("T")


def prefixed_id(prefix: str) -> str:
    """`usr_…`, `org_…`, `ws_…`: a UUIDv7 in hex (creation-ordered), letters and digits only, so
    a workspace id is a valid NATS subject token."""
    return f"{prefix}_{new_id().hex}"


def valid_email(email: str) -> str:
    normalized = normalize_email(email)
    if problem := email_problem(normalized):
        raise IdentityError("INVALID_REQUEST", f"email {problem}", field="email")
    return normalized


def valid_name(name: str, field: str = "name") -> str:
    cleaned = clean_name(name)
    if problem := name_problem(cleaned):
        raise IdentityError("INVALID_REQUEST", f"{field} {problem}", field=field)
    return cleaned


async def require(
    memberships: MembershipRows, user_id: str, workspace_id: str, permission: str
) -> Role:
    """The actor's role in the workspace, if it allows `permission`. A workspace the actor is
    not in does not exist for them (NOT_FOUND, never FORBIDDEN, which would confirm it does)."""
    role = await memberships.role_in(user_id, workspace_id)
    if role is None:
        raise IdentityError("NOT_FOUND", f"no workspace {workspace_id!r}")
    if not can(role, permission):
        raise IdentityError("FORBIDDEN", f"a workspace {role} may not do {permission}")
    return role


def page_start(cursor: str | None, limit: int) -> Position | None:
    if problem := limit_problem(limit):
        raise IdentityError("INVALID_REQUEST", f"limit {problem}", field="limit")
    if cursor is None:
        return None
    try:
        return decode_cursor(cursor)
    except BadCursor as error:
        raise IdentityError("INVALID_REQUEST", f"cursor: {error}", field="cursor") from None


def make_page(
    rows: Sequence[T], limit: int, position: Callable[[T], tuple[datetime, str]]
) -> Page[T]:
    """`rows` were fetched with `limit + 1`: one more than the page says there is a next one."""
    items = tuple(rows[:limit])
    more = len(rows) > limit
    return Page[T](items=items, next_cursor=encode(*position(items[-1])) if more else None)
