"""Per-service Alembic migrations, run at start-up inside the service's own schema.

The Alembic environment (`env.py` beside this file) is shared; a service brings only its
`versions` directory. The version table lives in the service's schema, so services migrate
independently, and a transaction-scoped advisory lock keeps concurrent replicas from racing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.runtime.db import ensure_schema
from parley.runtime.logs import get_logger

log = get_logger("parley.runtime.migrations")

_ENV_DIR = Path(__file__).parent


def alembic_config(versions: Path, schema: str) -> Config:
    config = Config()
    # Split version_locations on os.pathsep only, so a path with a space stays one path.
    config.set_main_option("path_separator", "os")
    # Options go through ConfigParser interpolation, where a literal '%' must be doubled.
    config.set_main_option("script_location", str(_ENV_DIR).replace("%", "%%"))
    config.set_main_option("version_locations", str(versions).replace("%", "%%"))
    config.attributes["schema"] = schema
    return config


def _upgrade(connection: Connection, versions: Path, schema: str) -> tuple[str | None, str | None]:
    config = alembic_config(versions, schema)
    config.attributes["connection"] = connection
    before = _current(connection, schema)
    command.upgrade(config, "head")
    return before, _current(connection, schema)


async def migrate(engine: AsyncEngine, versions: Path, schema: str) -> None:
    """Bring `schema` to the newest revision in `versions`; a no-op when already there."""
    await ensure_schema(engine, schema)
    async with engine.begin() as conn:
        await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": schema})
        before, after = await conn.run_sync(_upgrade, versions, schema)
    if before != after:
        log.info("schema migrated", schema=schema, from_revision=before, to_revision=after)
    else:
        log.info("schema up to date", schema=schema, revision=after)


def _current(connection: Connection, schema: str) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table_schema": schema})
    return context.get_current_revision()


async def current_revision(engine: AsyncEngine, schema: str) -> str | None:
    async with engine.connect() as conn:
        return await conn.run_sync(_current, schema)


def migration_schema() -> str:
    """The schema being migrated, for revision scripts that must name it in raw SQL."""
    from alembic import context

    schema: str = context.config.attributes["schema"]
    return schema
