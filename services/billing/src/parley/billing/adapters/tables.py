"""billing's tables as SQLAlchemy Core sees them (the migrations create them).

Tables carry no schema here: a connection is pointed at the service's schema with
`in_schema` (re-exported from parley.runtime.db), so the same statements serve any schema
(tests use a fresh one).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from parley.runtime.db import in_schema as in_schema  # re-exported for the handlers

metadata = sa.MetaData()
_TS = sa.DateTime(timezone=True)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("organization_id", sa.Text, primary_key=True),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("stripe_customer", sa.Text, nullable=False),
    sa.Column("stripe_subscription", sa.Text, nullable=False),
    sa.Column("account", JSONB, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
)

account_workspaces = sa.Table(
    "account_workspaces",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("organization_id", sa.Text, nullable=False),
)

stripe_events = sa.Table(
    "stripe_events",
    metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("created", _TS, nullable=False),
    sa.Column("organization_id", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text, nullable=False),
    sa.Column("handled_at", _TS, nullable=False),
)

meter_channels = sa.Table(
    "meter_channels",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("channel_id", sa.Text, primary_key=True),
    sa.Column("provider", sa.Text, nullable=False),
)

usage_warnings = sa.Table(
    "usage_warnings",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("metric", sa.Text, primary_key=True),
    sa.Column("scope", sa.Text, primary_key=True),
    sa.Column("period", sa.Text, primary_key=True),
    sa.Column("threshold", sa.Integer, primary_key=True),
    sa.Column("organization_id", sa.Text, nullable=False),
    sa.Column("used", sa.BigInteger, nullable=False),
    sa.Column("limit", sa.BigInteger, nullable=False),
    sa.Column("at", _TS, nullable=False),
)
