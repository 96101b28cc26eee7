"""Which contact each flow execution runs for, so the timeline can place its later steps.

Only an execution's first event (ExecutionStarted) names the contact; the steps after it name
just the execution. The flow-engine timeline projection records the pair here when it sees the
start, and reads it for every later step, also during a rebuild (it resets this table with its
timeline rows). It holds ids only, no personal data, so an erasure leaves it alone.

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


def upgrade() -> None:
    op.create_table(
        "execution_contacts",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("execution_id", sa.Text, primary_key=True),
        sa.Column("contact_id", sa.Text, nullable=False),
        sa.Column("flow_id", sa.Text, nullable=False),
        sa.Column("flow_version", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("execution_contacts")
