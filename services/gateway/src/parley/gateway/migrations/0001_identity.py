"""Identity: users, organizations and their workspaces, memberships with a role, invitations,
sessions with rotating refresh tokens, and workspace API keys.

Secrets (refresh tokens, invitation tokens, API keys) are stored as their SHA-256 only. E-mail
addresses are stored lower-cased (checked), so the unique index compares them case-insensitively.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_ROLES = "role IN ('owner', 'admin', 'editor', 'agent', 'viewer')"


def _at(name: str, nullable: bool = True) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("email", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        _at("created_at", nullable=False),
        sa.CheckConstraint("email = lower(email)", name="users_email_lower"),
    )
    op.create_table(
        "organizations",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        _at("created_at", nullable=False),
    )
    op.create_table(
        "workspaces",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("organization_id", sa.Text, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        _at("created_at", nullable=False),
        # Workspace ids become NATS subject tokens.
        sa.CheckConstraint("id ~ '^[A-Za-z0-9_-]{1,64}$'", name="workspaces_id_token"),
    )
    op.create_index("workspaces_by_organization", "workspaces", ["organization_id"])
    op.create_table(
        "memberships",
        sa.Column("workspace_id", sa.Text, sa.ForeignKey("workspaces.id"), primary_key=True),
        sa.Column("user_id", sa.Text, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        _at("created_at", nullable=False),
        sa.CheckConstraint(_ROLES, name="memberships_role"),
    )
    # A user's workspaces (me, organizations); a workspace's member list, in keyset order.
    op.create_index("memberships_by_user", "memberships", ["user_id"])
    op.create_index("memberships_page", "memberships", ["workspace_id", "created_at", "user_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("workspace_id", sa.Text, sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False, unique=True),
        sa.Column("invited_by", sa.Text, sa.ForeignKey("users.id"), nullable=False),
        _at("created_at", nullable=False),
        _at("expires_at", nullable=False),
        _at("accepted_at"),
        sa.Column("accepted_by", sa.Text, sa.ForeignKey("users.id")),
        _at("revoked_at"),
        sa.CheckConstraint(_ROLES, name="invitations_role"),
    )
    op.create_index("invitations_page", "invitations", ["workspace_id", "created_at", "id"])
    # A new invitation to the same address replaces the pending one.
    op.create_index("invitations_by_email", "invitations", ["workspace_id", "email"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, sa.ForeignKey("users.id"), nullable=False),
        _at("created_at", nullable=False),
        _at("revoked_at"),
        sa.Column("user_agent", sa.Text),
        _at("last_used_at"),
    )
    op.create_index("sessions_by_user", "sessions", ["user_id"])
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("session_id", sa.Text, sa.ForeignKey("sessions.id"), nullable=False),
        _at("issued_at", nullable=False),
        _at("expires_at", nullable=False),
        _at("used_at"),
        sa.Column("replaced_by", sa.Text),
    )
    op.create_index("refresh_tokens_by_session", "refresh_tokens", ["session_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("workspace_id", sa.Text, sa.ForeignKey("workspaces.id"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("permissions", ARRAY(sa.Text), nullable=False),
        sa.Column("key_hash", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, sa.ForeignKey("users.id"), nullable=False),
        _at("created_at", nullable=False),
        _at("last_used_at"),
        _at("revoked_at"),
    )
    op.create_index("api_keys_page", "api_keys", ["workspace_id", "created_at", "id"])


def downgrade() -> None:
    for table in (
        "api_keys",
        "refresh_tokens",
        "sessions",
        "invitations",
        "memberships",
        "workspaces",
        "organizations",
        "users",
    ):
        op.drop_table(table)
