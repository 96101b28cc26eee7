"""The `<schema>.projection_checkpoints` table: the last stream sequence each projection applied.

Written in the same transaction as the projection's own writes, which is what makes a
redelivered message a no-op (see `projections`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


async def create_checkpoints(conn: AsyncConnection, schema: str) -> None:
    # Two concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalog
    # ("type already exists"): several projections of one service, or several replicas, start
    # together. A transaction-scoped advisory lock makes them take turns.
    await conn.execute(
        text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
        {"key": f"{schema}.projection_checkpoints"},
    )
    await conn.execute(
        text(
            f'CREATE TABLE IF NOT EXISTS "{schema}".projection_checkpoints ('
            " name text PRIMARY KEY,"
            " stream text NOT NULL,"
            " last_sequence bigint NOT NULL DEFAULT 0,"
            " updated_at timestamptz NOT NULL DEFAULT now())"
        )
    )


async def checkpoint(engine: AsyncEngine, schema: str, name: str) -> int:
    async with engine.connect() as conn:
        value = await conn.scalar(
            text(f'SELECT last_sequence FROM "{schema}".projection_checkpoints WHERE name = :n'),
            {"n": name},
        )
    return int(value or 0)


@dataclass(frozen=True)
class CheckpointRow:
    """One projection's row; every method runs inside the caller's transaction."""

    schema: str
    name: str
    stream: str

    async def ensure(self, conn: AsyncConnection) -> None:
        await create_checkpoints(conn, self.schema)
        await conn.execute(
            text(
                f'INSERT INTO "{self.schema}".projection_checkpoints (name, stream)'
                " VALUES (:n, :s) ON CONFLICT (name) DO NOTHING"
            ),
            {"n": self.name, "s": self.stream},
        )

    async def read(self, conn: AsyncConnection, *, lock: bool = False) -> int:
        done = await conn.scalar(
            text(
                f'SELECT last_sequence FROM "{self.schema}".projection_checkpoints'
                " WHERE name = :n" + (" FOR UPDATE" if lock else "")
            ),
            {"n": self.name},
        )
        return int(done or 0)

    async def record(self, conn: AsyncConnection, sequence: int) -> None:
        await conn.execute(
            text(
                f'UPDATE "{self.schema}".projection_checkpoints'
                " SET last_sequence = GREATEST(last_sequence, :s), updated_at = now()"
                " WHERE name = :n"
            ),
            {"s": sequence, "n": self.name},
        )

    async def reset(self, conn: AsyncConnection) -> None:
        await conn.execute(
            text(
                f'UPDATE "{self.schema}".projection_checkpoints'
                " SET last_sequence = 0, updated_at = now() WHERE name = :n"
            ),
            {"n": self.name},
        )
