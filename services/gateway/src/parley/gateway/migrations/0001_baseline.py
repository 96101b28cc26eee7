"""Baseline of the gateway schema: it exists and says whose it is; read models come later.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

from alembic import op

from parley.runtime.migrations import migration_schema

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.execute(
        f'COMMENT ON SCHEMA "{migration_schema()}" IS '
        "'Parley gateway service: read models rebuilt from its streams'"
    )


def downgrade() -> None:
    op.execute(f'COMMENT ON SCHEMA "{migration_schema()}" IS NULL')
