"""Fixtures of the gateway tests: the identity layer over a freshly migrated schema of the real
(embedded) PostgreSQL, a clock the test moves, and cheap argon2 parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

import parley.gateway
from parley.gateway.application.results import SignupResult
from parley.gateway.application.services import IdentityServices
from parley.gateway.domain.roles import Role
from parley.runtime.migrations import migrate

MIGRATIONS = Path(parley.gateway.__file__).parent / "migrations"
SECRET_KEY = "test-secret-key-for-the-gateway-identity-layer"
PASSWORD = "correct horse battery staple"
# argon2's defaults take ~50 ms and 64 MiB per hash: fine for a login, slow for a test suite.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 1, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def schema(engine: AsyncEngine, fresh_schema: str) -> str:
    """A fresh schema at the gateway's newest revision."""
    await migrate(engine, MIGRATIONS, fresh_schema)
    return fresh_schema


@pytest.fixture
def ids(engine: AsyncEngine, schema: str, clock: FakeClock) -> IdentityServices:
    return IdentityServices.build(engine, schema, SECRET_KEY, clock, password_hasher=CHEAP_HASHER)


SignUp = Callable[..., Awaitable[SignupResult]]
Join = Callable[[SignupResult, str, Role], Awaitable[SignupResult]]


@pytest.fixture
def sign_up(ids: IdentityServices, unique: Callable[[str], str]) -> SignUp:
    """`await sign_up("ana")`: a new account `ana_<suffix>@example.com` with its own workspace."""
    counter = iter(range(1_000_000))

    async def make(name: str = "user", **kwargs: str) -> SignupResult:
        email = f"{unique(name)}_{next(counter)}@example.com"
        return await ids.identity.signup(email, PASSWORD, name.title(), **kwargs)

    return make


@pytest.fixture
def join(ids: IdentityServices, sign_up: SignUp) -> Join:
    """`await join(owner, "bob", "editor")`: a new account, invited into the owner's first
    workspace with that role and accepted."""

    async def make(owner: SignupResult, name: str, role: Role) -> SignupResult:
        member = await sign_up(name)
        created = await ids.invitations.create(
            owner.user.id, owner.workspace.id, member.user.email, role
        )
        await ids.invitations.accept(member.user.id, created.token)
        return member

    return make
