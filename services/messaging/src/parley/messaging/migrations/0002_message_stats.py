"""The dashboard's message counts: per workspace, clock hour (UTC) and number, and the failed
sends of each hour by error code. A read model of messaging's own events, rebuilt from the stream.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def _count(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    op.create_table(
        "message_stats_hourly",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("channel_id", sa.Text, primary_key=True),  # "" when no number was chosen
        _count("sent"),
        _count("delivered"),
        _count("read"),
        _count("failed"),
        _count("inbound"),
    )
    op.create_table(
        "message_failures_hourly",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("channel_id", sa.Text, primary_key=True),
        sa.Column("code", sa.Text, primary_key=True),
        _count("count"),
    )


def downgrade() -> None:
    op.drop_table("message_failures_hourly")
    op.drop_table("message_stats_hourly")
