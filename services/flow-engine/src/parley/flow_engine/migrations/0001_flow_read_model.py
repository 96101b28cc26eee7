"""Read model of flows: one row per flow with its draft, one row per published version.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "flows",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("flow_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("latest_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("draft", JSONB, nullable=False),
        sa.Column("duplicated_from", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    # The flow list of a workspace, most recently changed first.
    op.create_index("flows_by_workspace_updated", "flows", ["workspace_id", "updated_at"])
    op.create_table(
        "flow_versions",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("flow_id", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("graph", JSONB, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("flow_versions")
    op.drop_table("flows")
