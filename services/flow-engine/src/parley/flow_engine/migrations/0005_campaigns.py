"""Campaigns: one row per campaign (its view, from its events) and one per recipient (the
audience fixed at launch, what the dispatcher did with each, and what messaging reported).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("campaign_id", sa.Text, primary_key=True),
        sa.Column("definition", JSONB, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True)),
        sa.Column("launched_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rate_per_second", sa.Float, nullable=False, server_default="0"),
        sa.Column("channel_id", sa.Text, nullable=False, server_default=""),
        sa.Column("targeted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("excluded_without_opt_in", sa.Integer, nullable=False, server_default="0"),
        sa.Column("excluded_opted_out", sa.Integer, nullable=False, server_default="0"),
        sa.Column("paused_reason", sa.Text, nullable=False, server_default=""),
    )
    # list-campaigns pages newest first, all or by status; the dispatcher finds running ones.
    op.create_index(
        "campaigns_by_created", "campaigns", ["workspace_id", "created_at", "campaign_id"]
    )
    op.create_index(
        "campaigns_by_status_created",
        "campaigns",
        ["workspace_id", "status", "created_at", "campaign_id"],
    )
    op.create_index("campaigns_running", "campaigns", ["status"])
    op.create_table(
        "campaign_recipients",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("campaign_id", sa.Text, primary_key=True),
        sa.Column("contact_id", sa.Text, primary_key=True),
        sa.Column("phone", sa.Text, nullable=False, server_default=""),
        sa.Column("user_id", sa.Text, nullable=False, server_default=""),
        sa.Column("profile", JSONB, nullable=False),  # the contact scope its message is made of
        # When the audience snapshot took them: consent events older than this are history.
        sa.Column(
            "added_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        # pending -> claimed (taken by the dispatcher) -> dispatched; or skipped (reason)
        sa.Column("state", sa.Text, nullable=False, server_default="pending"),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("execution_id", sa.Text),  # a flow campaign's execution
        sa.Column("dispatched_at", sa.DateTime(timezone=True)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.Column("failed_code", sa.Text),
        sa.Column("replied_at", sa.DateTime(timezone=True)),
        sa.Column("opted_out_at", sa.DateTime(timezone=True)),
    )
    # The dispatcher takes pending recipients in contact id order.
    op.create_index(
        "campaign_recipients_by_state",
        "campaign_recipients",
        ["workspace_id", "campaign_id", "state", "contact_id"],
    )
    # Replies and opt-outs find a contact's campaign messages.
    op.create_index(
        "campaign_recipients_by_contact", "campaign_recipients", ["workspace_id", "contact_id"]
    )
    op.create_index(
        "campaign_recipients_by_execution",
        "campaign_recipients",
        ["execution_id"],
        postgresql_where=sa.text("execution_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_table("campaign_recipients")
    op.drop_table("campaigns")
