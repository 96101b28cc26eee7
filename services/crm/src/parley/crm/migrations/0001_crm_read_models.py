"""crm's read models: contacts, their activity, custom fields, consent keywords, segments,
timelines, imports and erasures.

Each table is written by one projection (see docs/architecture.md §12); a table fed from
another context's stream (activity, parts of the timeline) is its own projection, so rebuilding
one never wipes what another wrote.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("contact_id", sa.Text, primary_key=True),
        sa.Column("phone", sa.Text, nullable=False, server_default=""),
        sa.Column("user_id", sa.Text, nullable=False, server_default=""),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("language", sa.Text, nullable=False, server_default=""),
        sa.Column("time_zone", sa.Text, nullable=False, server_default=""),
        sa.Column("fields", JSONB, nullable=False, server_default="{}"),
        sa.Column("tags", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("stage", sa.Text, nullable=False, server_default="new"),
        sa.Column("source", sa.Text, nullable=False, server_default="api"),
        # unknown, opted_in, opted_out; the evidence of the latest opt-in beside it
        sa.Column("consent_state", sa.Text, nullable=False, server_default="unknown"),
        sa.Column("opted_in_source", sa.Text, nullable=False, server_default=""),
        sa.Column("opted_in_at", _TS, nullable=True),
        sa.Column("opted_in_wording", sa.Text, nullable=False, server_default=""),
        sa.Column("opted_in_channel", sa.Text, nullable=False, server_default=""),
        sa.Column("opted_out_at", _TS, nullable=True),
        sa.Column("opted_out_channel", sa.Text, nullable=False, server_default=""),
        sa.Column("opted_out_source", sa.Text, nullable=False, server_default=""),
        sa.Column("erased", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index(
        "contacts_created", "contacts", ["workspace_id", sa.text("created_at DESC"), "contact_id"]
    )
    op.create_index(
        "contacts_phone",
        "contacts",
        ["workspace_id", "phone"],
        unique=True,
        postgresql_where=sa.text("phone <> ''"),
    )
    op.create_index("contacts_tags", "contacts", ["tags"], postgresql_using="gin")
    op.create_index(
        "contacts_fields",
        "contacts",
        ["fields"],
        postgresql_using="gin",
        postgresql_ops={"fields": "jsonb_path_ops"},
    )
    op.create_index("contacts_stage", "contacts", ["workspace_id", "stage"])
    op.create_index("contacts_consent", "contacts", ["workspace_id", "consent_state"])
    op.create_index("contacts_name", "contacts", ["workspace_id", "name", "contact_id"])

    # When each contact last wrote in: fed from messaging's stream by its own projection.
    op.create_table(
        "contact_activity",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("contact_id", sa.Text, primary_key=True),
        sa.Column("last_inbound_at", _TS, nullable=False),
        sa.Column("first_inbound_at", _TS, nullable=False),
    )
    op.create_index(
        "contact_activity_last", "contact_activity", ["workspace_id", "last_inbound_at"]
    )

    op.create_table(
        "custom_fields",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("choices", JSONB, nullable=False, server_default="[]"),
        sa.Column("defined_at", _TS, nullable=False),
    )
    op.create_table(
        "consent_keywords",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("languages", ARRAY(sa.Text), nullable=False),
        sa.Column("extra_keywords", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("changed_at", _TS, nullable=False),
    )
    op.create_table(
        "segments",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("segment_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("filter", JSONB, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index(
        "segments_updated", "segments", ["workspace_id", sa.text("updated_at DESC"), "segment_id"]
    )

    # A contact's timeline: rows from crm's, messaging's and the flow engine's streams, each
    # written by the projection of its stream (`origin`), in the order things happened.
    op.create_table(
        "timeline",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("workspace_id", sa.Text, nullable=False),
        sa.Column("contact_id", sa.Text, nullable=False),
        sa.Column("at", _TS, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),  # the stream it came from
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("detail", JSONB, nullable=False, server_default="{}"),
        sa.Column("source", sa.Text, nullable=False),
    )
    op.create_index(
        "timeline_contact", "timeline", ["workspace_id", "contact_id", "at", "event_id"]
    )
    op.create_index("timeline_origin", "timeline", ["origin"])

    op.create_table(
        "imports",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("import_id", sa.Text, primary_key=True),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("dedupe", sa.Text, nullable=False),
        sa.Column("totals", JSONB, nullable=False, server_default="{}"),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("finished_at", _TS, nullable=True),
    )
    op.create_index(
        "imports_started", "imports", ["workspace_id", sa.text("started_at DESC"), "import_id"]
    )
    op.create_table(
        "import_errors",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("import_id", sa.Text, primary_key=True),
        sa.Column("row", sa.Integer, primary_key=True),
        sa.Column("column", sa.Text, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
    )

    # Contacts whose personal data was erased. Projections fed from other streams (which still
    # hold older events naming the contact) consult it on every write, also during a rebuild.
    op.create_table(
        "erased_contacts",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("contact_id", sa.Text, primary_key=True),
        sa.Column("erased_at", _TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "erased_contacts",
        "import_errors",
        "imports",
        "timeline",
        "segments",
        "consent_keywords",
        "custom_fields",
        "contact_activity",
        "contacts",
    ):
        op.drop_table(table)
