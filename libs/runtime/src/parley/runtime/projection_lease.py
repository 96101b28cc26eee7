"""The leader lease of a projection: a PostgreSQL session advisory lock on a connection of its own.

Only the replica holding a projection's lease applies its events; the others stand by and try
again every second or so. A session lock needs no expiry to tune: PostgreSQL drops it the moment
the session ends (a clean stop, a crash, a killed pod, a cut connection), and a standby takes over.

The leader also writes the read model through that same session (`transaction`). So a leader
whose session has died — and with it the lock — cannot commit anything either: losing the lease
and losing the right to write are one and the same event, with no window between them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from parley.runtime.logs import get_logger

log = get_logger("parley.runtime.projections")


class LeaseLost(Exception):
    """The lease's session is gone, and the lock with it."""


def lease_key(schema: str, projection: str) -> str:
    return f"parley.projection:{schema}.{projection}"


class Lease:
    """A held lease. Use the connection only through `transaction`, which takes turns with the
    leader's periodic `alive` check (one connection cannot run two statements at once)."""

    def __init__(self, conn: AsyncConnection, driver: object, key: str, pid: int) -> None:
        self.key = key
        self.pid = pid  # the backend holding the lock, for logs and for operators (pg_locks)
        self._conn = conn
        self._driver = driver  # the session that holds the lock
        self._lost = False
        self._turn = asyncio.Lock()

    @classmethod
    async def take(cls, engine: AsyncEngine, key: str) -> Lease | None:
        """The lease if nobody holds it, else None; never waits for it."""
        conn = await engine.connect()
        try:
            async with conn.begin():
                # A 64-bit hash of the name: the lock space is shared by the whole database.
                taken = await conn.scalar(
                    text("SELECT pg_try_advisory_lock(hashtextextended(:key, 0))"), {"key": key}
                )
                pid = await conn.scalar(text("SELECT pg_backend_pid()"))
            driver = (await conn.get_raw_connection()).driver_connection
        except BaseException:
            await _discard(conn)
            raise
        if not taken:
            await conn.close()  # holds nothing: it may go back to the pool
            return None
        return cls(conn, driver, key, int(pid))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A transaction on the lease's own session; it fails if the session (the lease) is gone."""
        async with self._turn:
            await self._same_session()
            async with self._conn.begin():
                yield self._conn

    async def _same_session(self) -> None:
        # SQLAlchemy quietly replaces a connection it found broken with a new one on next use:
        # a new session, without the lock. Writing through it would be writing without the lease.
        if not self._lost and not self._conn.invalidated:
            raw = await self._conn.get_raw_connection()
            self._lost = raw.driver_connection is not self._driver
        else:
            self._lost = True
        if self._lost:
            raise LeaseLost(f"the session holding {self.key} (backend {self.pid}) is gone")

    async def alive(self) -> bool:
        """True while the session, and so the lock, still exists."""
        try:
            async with self.transaction() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any doubt means the lease is lost: the safe answer
            return False
        return True

    async def release(self) -> None:
        # Close the session rather than unlock and return it to the pool: a lock left behind by a
        # failed unlock would then live on in a pooled connection, and nobody could lead again.
        async with self._turn:
            await _discard(self._conn)


async def _discard(conn: AsyncConnection) -> None:
    with suppress(Exception):
        await conn.invalidate()
    with suppress(Exception):
        await conn.close()


async def wait_for_lease(
    engine: AsyncEngine,
    key: str,
    *,
    retry: float,
    stopping: asyncio.Event,
    timeout: float | None = None,
) -> Lease | None:
    """Try every `retry` seconds until the lease is ours; None once `stopping` is set or
    `timeout` has passed. A database that cannot be reached is retried the same way."""
    deadline = None if timeout is None else time.monotonic() + timeout
    failing = False
    while not stopping.is_set():
        try:
            lease = await Lease.take(engine, key)
        except Exception as err:  # noqa: BLE001 - a standby outlives a database outage
            if not failing:  # once per outage, not once a second
                log.warning("cannot try the projection lease", key=key, error=str(err))
            failing = True
        else:
            failing = False
            if lease is not None:
                return lease
        if deadline is not None and time.monotonic() + retry > deadline:
            return None
        await wait_event(stopping, retry)
    return None


async def wait_event(event: asyncio.Event, seconds: float) -> bool:
    """Wait up to `seconds` for `event`; True if it was set."""
    with suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)
    return event.is_set()
