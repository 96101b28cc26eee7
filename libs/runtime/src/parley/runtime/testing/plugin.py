"""pytest plugin (loaded with `-p parley.runtime.testing.plugin`).

Session-wide servers start once: a nats-server and a PostgreSQL on free ports in temporary
directories. Each test gets isolation from fresh names (`unique`), never from a shared fixture
state. `NATS_URL` / `DATABASE_URL` in the environment switch the fixtures to external servers.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Protocol

import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.strictness import STRICT_ENV
from parley.runtime.db import create_engine
from parley.runtime.embedded import EmbeddedNats, EmbeddedPostgres


def pytest_configure(config: pytest.Config) -> None:
    # Strict contract reading for this process and every process a test starts.
    os.environ.setdefault(STRICT_ENV, "1")


@pytest.fixture(scope="session")
def tmp_root() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="parley-test-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


class _Server(Protocol):
    @property
    def url(self) -> str: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


def _external_or_embedded(variable: str, server: _Server) -> Iterator[str]:
    """The URL in `variable` if set, else `server` started for the session and always stopped."""
    if os.environ.get(variable):
        yield os.environ[variable]
        return
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def nats_url(tmp_root: Path) -> Iterator[str]:
    server = EmbeddedNats(store_dir=tmp_root / "nats", log_file=tmp_root / "nats.log")
    yield from _external_or_embedded("NATS_URL", server)


@pytest.fixture(scope="session")
def database_url(tmp_root: Path) -> Iterator[str]:
    server = EmbeddedPostgres(data_dir=tmp_root / "pg", log_file=tmp_root / "pg.log")
    yield from _external_or_embedded("DATABASE_URL", server)


@pytest.fixture
async def nc(nats_url: str) -> AsyncIterator[NatsClient]:
    client = await nats.connect(nats_url, max_reconnect_attempts=-1, reconnect_time_wait=0.1)
    try:
        yield client
    finally:
        await client.drain()


@pytest.fixture
async def js(nc: NatsClient) -> JetStreamContext:
    return nc.jetstream(timeout=5)


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Fresh names per test: `unique("S")` -> `S_3f9a...`; streams, subjects, schemas, durables."""
    suffix = uuid.uuid4().hex[:10]

    def make(prefix: str) -> str:
        return f"{prefix}_{suffix}"

    return make


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(database_url)
    try:
        yield eng
    finally:
        await eng.dispose()


@pytest.fixture
async def own_database(database_url: str, engine: AsyncEngine) -> AsyncIterator[str]:
    """A database of its own, for a test that brings its own NATS: that server's stream sequences
    start again at 1, which must not meet the checkpoints (or the projection leases) the other
    tests' services keep in the shared database. Dropped afterwards, connections and all."""
    name = f"own_{uuid.uuid4().hex[:10]}"
    await _admin(engine, f'CREATE DATABASE "{name}"')
    try:
        yield database_url.rsplit("/", 1)[0] + "/" + name
    finally:
        await _admin(engine, f'DROP DATABASE "{name}" WITH (FORCE)')


async def _admin(engine: AsyncEngine, statement: str) -> None:
    async with engine.connect() as conn:  # CREATE/DROP DATABASE cannot run in a transaction
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text(statement))


@pytest.fixture
async def fresh_schema(engine: AsyncEngine, unique: Callable[[str], str]) -> AsyncIterator[str]:
    schema = unique("t").lower()
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


async def eventually(
    check: Callable[[], Awaitable[bool] | bool], *, timeout: float = 10.0, interval: float = 0.02
) -> None:
    """Poll a condition (sync or async) with a deadline; never a bare sleep in a test."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
