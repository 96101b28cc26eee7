"""Idempotency keys: the response a POST with an `Idempotency-Key` got, replayed for a retry.

A row is claimed (status null) before the request runs and completed with its response after;
a key is scoped to its caller and kept 24 hours.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.Text, primary_key=True),  # who: a principal or a token's hash
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.Text, nullable=False),  # method, path and body hash
        sa.Column("status", sa.Integer),  # null while the first request is still running
        sa.Column("headers", JSONB, nullable=False, server_default="[]"),
        sa.Column("body", sa.LargeBinary, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Expired keys are deleted by age.
    op.create_index("idempotency_keys_by_age", "idempotency_keys", ["created_at"])


def downgrade() -> None:
    op.drop_table("idempotency_keys")
