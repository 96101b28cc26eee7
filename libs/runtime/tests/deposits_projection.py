"""A read model of deposits, used by the projection tests (in-process and as a killed process).

Its table has no unique constraint on purpose: a duplicate apply would show as a duplicate row.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from parley.runtime.eventstore.store import StoredEvent

from .ledger import Deposited


async def create_table(conn: AsyncConnection, schema: str) -> None:
    """What a service's migration would do for this read model."""
    await conn.execute(
        text(f'CREATE TABLE IF NOT EXISTS "{schema}".deposits (seq bigint, amount int)')
    )


class DepositsProjection:
    name = "deposits"

    async def reset(self, conn: AsyncConnection, schema: str) -> None:
        await conn.execute(text(f'TRUNCATE "{schema}".deposits'))

    async def apply(self, conn: AsyncConnection, schema: str, event: StoredEvent) -> None:
        if isinstance(event.message, Deposited):
            await conn.execute(
                text(f'INSERT INTO "{schema}".deposits (seq, amount) VALUES (:s, :a)'),
                {"s": event.sequence, "a": event.message.amount},
            )
