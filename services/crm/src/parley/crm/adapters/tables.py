"""The crm read-model tables as SQLAlchemy Core sees them (the migrations create them).

Tables carry no schema here: a connection is pointed at the service's schema with
`in_schema` (re-exported from parley.runtime.db), so the same statements serve any schema
(tests use a fresh one).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from parley.runtime.db import in_schema as in_schema  # re-exported for the handlers

metadata = sa.MetaData()
_TS = sa.DateTime(timezone=True)

contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("contact_id", sa.Text, primary_key=True),
    sa.Column("phone", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("time_zone", sa.Text, nullable=False),
    sa.Column("fields", JSONB, nullable=False),
    sa.Column("tags", ARRAY(sa.Text), nullable=False),
    sa.Column("stage", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("consent_state", sa.Text, nullable=False),
    sa.Column("opted_in_source", sa.Text, nullable=False),
    sa.Column("opted_in_at", _TS),
    sa.Column("opted_in_wording", sa.Text, nullable=False),
    sa.Column("opted_in_channel", sa.Text, nullable=False),
    sa.Column("opted_out_at", _TS),
    sa.Column("opted_out_channel", sa.Text, nullable=False),
    sa.Column("opted_out_source", sa.Text, nullable=False),
    sa.Column("erased", sa.Boolean, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
)

contact_activity = sa.Table(
    "contact_activity",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("contact_id", sa.Text, primary_key=True),
    sa.Column("last_inbound_at", _TS, nullable=False),
    sa.Column("first_inbound_at", _TS, nullable=False),
)

custom_fields = sa.Table(
    "custom_fields",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("type", sa.Text, nullable=False),
    sa.Column("choices", JSONB, nullable=False),
    sa.Column("defined_at", _TS, nullable=False),
)

consent_keywords = sa.Table(
    "consent_keywords",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("languages", ARRAY(sa.Text), nullable=False),
    sa.Column("extra_keywords", ARRAY(sa.Text), nullable=False),
    sa.Column("changed_at", _TS, nullable=False),
)

segments = sa.Table(
    "segments",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("segment_id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("filter", JSONB, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
)

timeline = sa.Table(
    "timeline",
    metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("workspace_id", sa.Text, nullable=False),
    sa.Column("contact_id", sa.Text, nullable=False),
    sa.Column("at", _TS, nullable=False),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("detail", JSONB, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
)

imports = sa.Table(
    "imports",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("import_id", sa.Text, primary_key=True),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("dedupe", sa.Text, nullable=False),
    sa.Column("totals", JSONB, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("started_at", _TS, nullable=False),
    sa.Column("finished_at", _TS),
)

import_errors = sa.Table(
    "import_errors",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("import_id", sa.Text, primary_key=True),
    sa.Column("row", sa.Integer, primary_key=True),
    sa.Column("column", sa.Text, primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
)

erased_contacts = sa.Table(
    "erased_contacts",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("contact_id", sa.Text, primary_key=True),
    sa.Column("erased_at", _TS, nullable=False),
)
