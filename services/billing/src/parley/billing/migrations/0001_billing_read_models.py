"""billing's tables: accounts and their workspaces (projection `accounts`), the Stripe events
already handled (the webhook consumer's log), and the meter's own state (projections
`meter-*`: which channels are the sandbox, and the usage warnings raised).

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
        "accounts",
        sa.Column("organization_id", sa.Text, primary_key=True),
        sa.Column("plan", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("stripe_customer", sa.Text, nullable=False, server_default=""),
        sa.Column("stripe_subscription", sa.Text, nullable=False, server_default=""),
        sa.Column("account", JSONB, nullable=False),  # the AccountView of the latest change
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("accounts_by_customer", "accounts", ["stripe_customer"])
    op.create_index("accounts_by_subscription", "accounts", ["stripe_subscription"])
    op.create_table(
        "account_workspaces",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("organization_id", sa.Text, nullable=False),
    )
    op.create_index("account_workspaces_by_org", "account_workspaces", ["organization_id"])
    op.create_table(
        "stripe_events",
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("created", _TS, nullable=False),  # Stripe's `created`
        sa.Column("organization_id", sa.Text, nullable=False, server_default=""),
        sa.Column("outcome", sa.Text, nullable=False),  # applied, ignored: <why>
        sa.Column("handled_at", _TS, nullable=False),
    )
    op.create_table(
        "meter_channels",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("channel_id", sa.Text, primary_key=True),
        sa.Column("provider", sa.Text, nullable=False),
    )
    op.create_table(
        "usage_warnings",
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


def downgrade() -> None:
    for table in ("usage_warnings", "meter_channels", "stripe_events"):
        op.drop_table(table)
    op.drop_table("account_workspaces")
    op.drop_table("accounts")
