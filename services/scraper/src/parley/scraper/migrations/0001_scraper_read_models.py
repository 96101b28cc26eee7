"""scraper's tables: jobs and their leads (projection `scrape-jobs`) and the workspace's seen
lead keys (the job runner's deduplication across runs).

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

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scrape_jobs",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("job_id", sa.Text, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("limit", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("counts", JSONB, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requested_by", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("finished_at", _TS, nullable=True),
    )
    # list-scrape-jobs: newest first, optionally by status.
    op.create_index("scrape_jobs_by_created", "scrape_jobs", ["workspace_id", "created_at"])
    op.create_index(
        "scrape_jobs_by_status", "scrape_jobs", ["workspace_id", "status", "created_at"]
    )
    op.create_table(
        "scrape_leads",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("job_id", sa.Text, primary_key=True),
        sa.Column("lead_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("phone", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("website", sa.Text, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("at", _TS, nullable=False),
    )
    op.create_index("scrape_leads_by_job", "scrape_leads", ["workspace_id", "job_id", "at"])
    op.create_table(
        "seen_leads",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("lead_id", sa.Text, nullable=False),
        sa.Column("job_id", sa.Text, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("seen_leads")
    op.drop_table("scrape_leads")
    op.drop_table("scrape_jobs")
