"""The embedded servers are real: JetStream answers and PostgreSQL runs SQL."""

from __future__ import annotations

from nats.js import JetStreamContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def test_jetstream_is_enabled(js: JetStreamContext) -> None:
    info = await js.account_info()
    assert info.limits is not None


async def test_postgres_runs_sql(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        version = (await conn.execute(text("show server_version"))).scalar_one()
    assert str(version).startswith("18.")
