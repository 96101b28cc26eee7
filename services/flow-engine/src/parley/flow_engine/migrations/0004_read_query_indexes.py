"""Indexes for the gateway's read queries: pages of flows and of executions, newest first, keyed
on the sort column and the id (the tie-breaker of each keyset cursor).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # list-flows filters on archived (active only, by default); 0001's index serves "both".
    op.create_index(
        "flows_by_archived_updated", "flows", ["workspace_id", "archived", "updated_at", "flow_id"]
    )
    # list-executions unfiltered and by status; by flow uses 0002's executions_by_flow, by
    # contact executions_by_contact (a contact has few executions).
    op.create_index(
        "executions_by_started", "executions", ["workspace_id", "started_at", "execution_id"]
    )
    op.create_index(
        "executions_by_status_started",
        "executions",
        ["workspace_id", "status", "started_at", "execution_id"],
    )


def downgrade() -> None:
    op.drop_index("executions_by_status_started", "executions")
    op.drop_index("executions_by_started", "executions")
    op.drop_index("flows_by_archived_updated", "flows")
