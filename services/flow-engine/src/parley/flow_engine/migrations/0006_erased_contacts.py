"""Contacts whose personal data was erased, as the flow engine learned it from crm.

The execution read model consults it on every batch, also while it is rebuilt from the stream
(which still holds older events naming the contact), so a step that happened at or before the
erasure never shows its personal detail again.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "erased_contacts",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("contact_id", sa.Text, primary_key=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erased_contacts")
