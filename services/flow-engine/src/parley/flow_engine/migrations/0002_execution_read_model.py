"""Read model of executions: one row per execution, and its step log.

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
        "executions",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("execution_id", sa.Text, primary_key=True),
        sa.Column("flow_id", sa.Text, nullable=False),
        sa.Column("flow_version", sa.Integer, nullable=False),
        sa.Column("contact_id", sa.Text, nullable=False),
        sa.Column("trigger", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("current_node", sa.Text, nullable=False, server_default=""),
        sa.Column("waiting_for", sa.Text),  # reply, delay, handover, external; null if not waiting
        sa.Column("waiting_since", sa.DateTime(timezone=True)),
        sa.Column("failure_reason", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True)),
    )
    # The live console lists a flow's executions; the inspector finds a contact's running ones.
    op.create_index("executions_by_flow", "executions", ["workspace_id", "flow_id", "started_at"])
    op.create_index("executions_by_contact", "executions", ["workspace_id", "contact_id", "status"])
    op.create_table(
        "execution_steps",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("execution_id", sa.Text, primary_key=True),
        sa.Column("sequence", sa.BigInteger, primary_key=True),  # the event's stream sequence
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("node_id", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", JSONB, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("execution_steps")
    op.drop_table("executions")
