"""ai-rag's read model: knowledge bases and their documents (projection `knowledge`).

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "knowledge_bases",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("knowledge_base_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("embedder", sa.Text, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index(
        "knowledge_bases_page",
        "knowledge_bases",
        ["workspace_id", "created_at", "knowledge_base_id"],
    )
    op.create_table(
        "documents",
        sa.Column("workspace_id", sa.Text, primary_key=True),
        sa.Column("knowledge_base_id", sa.Text, primary_key=True),
        sa.Column("document_id", sa.Text, primary_key=True),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False, server_default=""),
        sa.Column("source_url", sa.Text, nullable=False, server_default=""),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False, server_default="0"),
        sa.Column("size_bytes", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("embedder", sa.Text, nullable=False, server_default=""),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("indexed_at", _TS, nullable=True),
    )
    op.create_index(
        "documents_page",
        "documents",
        ["workspace_id", "knowledge_base_id", "created_at", "document_id"],
    )


def downgrade() -> None:
    op.drop_table("documents")
    op.drop_table("knowledge_bases")
