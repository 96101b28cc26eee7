"""The sandbox number's conversations, for the simulator: both directions, in order.

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
        "sandbox_messages",
        sa.Column("position", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("workspace_id", sa.Text, nullable=False),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("message_id", sa.Text, nullable=False, unique=True),
        sa.Column("direction", sa.Text, nullable=False),
        sa.Column("content", JSONB, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "sandbox_messages_conversation",
        "sandbox_messages",
        ["workspace_id", "channel_id", "phone", "position"],
    )


def downgrade() -> None:
    op.drop_table("sandbox_messages")
