"""The gateway's identity tables in Postgres (`gateway.*`, migration 0001).

`IdentityStore.begin()` opens one transaction and hands out the repositories that run inside it,
so a use case checks and writes atomically (signup's five rows, a role change against the owner
count). Reads outside a transaction use `IdentityStore.read()`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.gateway.adapters.api_key_store import ApiKeyRows
from parley.gateway.adapters.invitation_store import InvitationRows
from parley.gateway.adapters.membership_store import MembershipRows
from parley.gateway.adapters.organization_store import OrganizationRows
from parley.gateway.adapters.session_store import SessionRows
from parley.gateway.adapters.sql import Repository, Tables, after, mapping
from parley.gateway.domain.models import Organization, User, Workspace
from parley.gateway.domain.pages import Position


@dataclass(frozen=True)
class Credentials:
    user: User
    password_hash: str


class Accounts(Repository):
    """Users, organizations and workspaces."""

    async def insert_user(
        self, user_id: str, email: str, name: str, password_hash: str, at: datetime
    ) -> bool:
        """False when the e-mail is taken (the unique index decides, not a prior read)."""
        result = await self.conn.execute(
            text(
                f"INSERT INTO {self.t.users} (id, email, name, password_hash, created_at)"
                " VALUES (:id, :email, :name, :hash, :at)"
                " ON CONFLICT (email) DO NOTHING RETURNING id"
            ),
            {"id": user_id, "email": email, "name": name, "hash": password_hash, "at": at},
        )
        return result.first() is not None

    async def credentials(self, email: str) -> Credentials | None:
        row = (
            await self.conn.execute(
                text(
                    f"SELECT id, email, name, created_at, password_hash FROM {self.t.users}"
                    " WHERE email = :email"
                ),
                {"email": email},
            )
        ).first()
        if row is None:
            return None
        fields = mapping(row)
        password_hash = fields.pop("password_hash")
        return Credentials(user=User.model_validate(fields), password_hash=password_hash)

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self.conn.execute(
            text(f"UPDATE {self.t.users} SET password_hash = :hash WHERE id = :id"),
            {"id": user_id, "hash": password_hash},
        )

    async def user(self, user_id: str) -> User | None:
        row = (
            await self.conn.execute(
                text(f"SELECT id, email, name, created_at FROM {self.t.users} WHERE id = :id"),
                {"id": user_id},
            )
        ).first()
        return None if row is None else User.model_validate(mapping(row))

    async def insert_organization(self, org_id: str, name: str, at: datetime) -> Organization:
        await self.conn.execute(
            text(
                f"INSERT INTO {self.t.organizations} (id, name, created_at)"
                " VALUES (:id, :name, :at)"
            ),
            {"id": org_id, "name": name, "at": at},
        )
        return Organization(id=org_id, name=name, created_at=at)

    async def insert_workspace(
        self, workspace_id: str, organization_id: str, name: str, at: datetime
    ) -> Workspace:
        await self.conn.execute(
            text(
                f"INSERT INTO {self.t.workspaces} (id, organization_id, name, created_at)"
                " VALUES (:id, :org, :name, :at)"
            ),
            {"id": workspace_id, "org": organization_id, "name": name, "at": at},
        )
        return Workspace(id=workspace_id, organization_id=organization_id, name=name, created_at=at)

    async def organizations_page(
        self, user_id: str, position: Position | None, limit: int
    ) -> list[Organization]:
        cond, params = after(position, "o.created_at", "o.id")
        rows = await self.conn.execute(
            text(
                f"SELECT o.id, o.name, o.created_at FROM {self.t.organizations} o"
                f" WHERE EXISTS (SELECT 1 FROM {self.t.memberships} m"
                f" JOIN {self.t.workspaces} w ON w.id = m.workspace_id"
                " WHERE m.user_id = :user AND w.organization_id = o.id)"
                f"{cond} ORDER BY o.created_at, o.id LIMIT :limit"
            ),
            {"user": user_id, "limit": limit, **params},
        )
        return [Organization.model_validate(mapping(r)) for r in rows]


@dataclass(frozen=True)
class Tx:
    """The repositories of one connection (one transaction, with `begin`)."""

    accounts: Accounts
    memberships: MembershipRows
    sessions: SessionRows
    invitations: InvitationRows
    api_keys: ApiKeyRows
    organizations: OrganizationRows


class IdentityStore:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._tables = Tables(schema)

    def _tx(self, conn: AsyncConnection) -> Tx:
        t = self._tables
        return Tx(
            accounts=Accounts(conn, t),
            memberships=MembershipRows(conn, t),
            sessions=SessionRows(conn, t),
            invitations=InvitationRows(conn, t),
            api_keys=ApiKeyRows(conn, t),
            organizations=OrganizationRows(conn, t),
        )

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Tx]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        async with self._engine.begin() as conn:
            yield self._tx(conn)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        async with self._engine.connect() as conn:
            yield self._tx(conn)
