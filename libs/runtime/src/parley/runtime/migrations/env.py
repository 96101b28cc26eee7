"""Alembic environment shared by every service; run by `parley.runtime.migrations.migrate`.

The caller hands over an open connection inside its transaction (which holds the advisory lock),
so the whole upgrade commits or rolls back as one, and PostgreSQL's transactional DDL applies.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

config = context.config
if context.is_offline_mode():
    raise SystemExit("parley migrations run online only, against a live database")

schema: str = config.attributes["schema"]
connection: Connection = config.attributes["connection"]
# Unqualified names in a revision land in the service's own schema.
connection.execute(text(f'SET LOCAL search_path TO "{schema}"'))
context.configure(connection=connection, version_table_schema=schema)
with context.begin_transaction():
    context.run_migrations()
