"""Steps keyed by (sequence, position): the events of one decision share a stream message.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column(
        "execution_steps",
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    )
    op.drop_constraint("execution_steps_pkey", "execution_steps", type_="primary")
    op.create_primary_key(
        "execution_steps_pkey",
        "execution_steps",
        ["workspace_id", "execution_id", "sequence", "position"],
    )


def downgrade() -> None:
    op.drop_constraint("execution_steps_pkey", "execution_steps", type_="primary")
    op.create_primary_key(
        "execution_steps_pkey", "execution_steps", ["workspace_id", "execution_id", "sequence"]
    )
    op.drop_column("execution_steps", "position")
