"""scraper's tables as SQLAlchemy Core sees them (the migrations create them).

Tables carry no schema here: a connection is pointed at the service's schema with `in_schema`,
so the same statements serve any schema.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from parley.runtime.db import in_schema as in_schema  # re-exported for the handlers

metadata = sa.MetaData()
_TS = sa.DateTime(timezone=True)

# Projection `scrape-jobs`: one row per job, counts as of its latest event.
scrape_jobs = sa.Table(
    "scrape_jobs",
    metadata,
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

# Projection `scrape-jobs` too: the leads each job published.
scrape_leads = sa.Table(
    "scrape_leads",
    metadata,
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

# Written by the job runner, never by a projection (so never wiped by a rebuild): every lead
# key the workspace has seen, which job claimed it, and whether its LeadScraped went out.
seen_leads = sa.Table(
    "seen_leads",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("lead_id", sa.Text, nullable=False),
    sa.Column("job_id", sa.Text, nullable=False),
    sa.Column("published", sa.Boolean, nullable=False),
    sa.Column("at", _TS, nullable=False),
)
