"""ai-rag's read-model tables as SQLAlchemy Core sees them (the migrations create them).

Tables carry no schema: a connection is pointed at the service's schema with `in_schema`, so the
same statements serve any schema (tests use a fresh one).
"""

from __future__ import annotations

import sqlalchemy as sa

from parley.runtime.db import in_schema as in_schema  # re-exported for the handlers

metadata = sa.MetaData()
_TS = sa.DateTime(timezone=True)

knowledge_bases = sa.Table(
    "knowledge_bases",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("knowledge_base_id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("embedder", sa.Text, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("workspace_id", sa.Text, primary_key=True),
    sa.Column("knowledge_base_id", sa.Text, primary_key=True),
    sa.Column("document_id", sa.Text, primary_key=True),
    sa.Column("format", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("source_url", sa.Text, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("chunks", sa.Integer, nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("embedder", sa.Text, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("created_at", _TS, nullable=False),
    sa.Column("updated_at", _TS, nullable=False),
    sa.Column("indexed_at", _TS, nullable=True),
)
