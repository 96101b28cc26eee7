"""PostgreSQL access: an async SQLAlchemy engine over asyncpg, one schema per service."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

_SCHEMA = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def async_url(database_url: str) -> str:
    """Accept the usual `postgresql://` form and select the asyncpg driver."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+asyncpg://" + database_url[len(prefix) :]
    raise ValueError(f"not a PostgreSQL URL: {database_url!r}")


def create_engine(database_url: str, *, pool_size: int = 5) -> AsyncEngine:
    return create_async_engine(
        async_url(database_url), pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
    )


def schema_name(service: str) -> str:
    """`flow-engine` -> `flow_engine`; checked, because it is interpolated into DDL."""
    name = service.replace("-", "_")
    if not _SCHEMA.match(name):
        raise ValueError(f"{service!r} does not make a valid schema name")
    return name


async def ensure_schema(engine: AsyncEngine, schema: str) -> None:
    if not _SCHEMA.match(schema):
        raise ValueError(f"invalid schema name {schema!r}")
    async with engine.begin() as conn:
        # CREATE SCHEMA IF NOT EXISTS is not safe against itself: two replicas starting at once
        # can both pass the check, and one fails on the catalog's unique index. The lock
        # (released at commit) makes the second wait and then find the schema.
        await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": schema})
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))


async def in_schema(conn: AsyncConnection, schema: str) -> AsyncConnection:
    """The connection, with every schema-less table resolved in `schema`: a service's tables
    carry no schema, so the same statements serve its own schema and a test's fresh one."""
    return await conn.execution_options(schema_translate_map={None: schema})
