"""The dashboard's message counts in Postgres (`message_stats_hourly`, `message_failures_hourly`).

Writes are increments, one statement per table for a whole batch (rows unnested from arrays),
run inside the projection's checkpoint transaction; reads sum the hours of a period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

COUNTS = ("sent", "delivered", "read", "failed", "inbound")
Bucket = tuple[str, datetime, str]  # workspace, hour, channel
FailureBucket = tuple[str, datetime, str, str]  # workspace, hour, channel, code


async def reset(conn: AsyncConnection, schema: str) -> None:
    await conn.execute(
        text(f'TRUNCATE "{schema}".message_stats_hourly, "{schema}".message_failures_hourly')
    )


async def add(
    conn: AsyncConnection,
    schema: str,
    counts: Mapping[Bucket, Mapping[str, int]],
    failures: Mapping[FailureBucket, int],
) -> None:
    if counts:
        keys = list(counts)
        params: dict[str, Any] = {
            "ws": [k[0] for k in keys],
            "hour": [k[1] for k in keys],
            "ch": [k[2] for k in keys],
        }
        for name in COUNTS:
            params[name] = [counts[k].get(name, 0) for k in keys]
        listed = ", ".join(COUNTS)
        arrays = ", ".join(f"CAST(:{name} AS bigint[])" for name in COUNTS)
        added = ", ".join(f"{n} = t.{n} + excluded.{n}" for n in COUNTS)
        await conn.execute(
            text(
                f'INSERT INTO "{schema}".message_stats_hourly AS t'
                f" (workspace_id, hour, channel_id, {listed})"
                " SELECT * FROM unnest(CAST(:ws AS text[]), CAST(:hour AS timestamptz[]),"
                f" CAST(:ch AS text[]), {arrays})"
                f" ON CONFLICT (workspace_id, hour, channel_id) DO UPDATE SET {added}"
            ),
            params,
        )
    if failures:
        codes = list(failures)
        await conn.execute(
            text(
                f'INSERT INTO "{schema}".message_failures_hourly AS t'
                " (workspace_id, hour, channel_id, code, count)"
                " SELECT * FROM unnest(CAST(:ws AS text[]), CAST(:hour AS timestamptz[]),"
                " CAST(:ch AS text[]), CAST(:code AS text[]), CAST(:n AS bigint[]))"
                " ON CONFLICT (workspace_id, hour, channel_id, code)"
                " DO UPDATE SET count = t.count + excluded.count"
            ),
            {
                "ws": [k[0] for k in codes],
                "hour": [k[1] for k in codes],
                "ch": [k[2] for k in codes],
                "code": [k[3] for k in codes],
                "n": [failures[k] for k in codes],
            },
        )


@dataclass(frozen=True)
class Period:
    hours: list[dict[str, Any]]  # per hour, summed over numbers, oldest first
    channels: list[dict[str, Any]]  # per number, summed over hours
    failures: list[tuple[str, int]]  # (code, count), most first


async def read(
    engine: AsyncEngine, schema: str, workspace_id: str, since: datetime, until: datetime, top: int
) -> Period:
    key = {"ws": workspace_id, "since": since, "until": until}
    where = "workspace_id = :ws AND hour >= :since AND hour < :until"
    sums = ", ".join(f"sum({n})::bigint AS {n}" for n in COUNTS)
    table = f'"{schema}".message_stats_hourly'
    async with engine.connect() as conn:
        hours = await conn.execute(
            text(
                f"SELECT hour AS at, {sums} FROM {table} WHERE {where} GROUP BY hour ORDER BY hour"
            ),
            key,
        )
        channels = await conn.execute(
            text(
                f"SELECT channel_id, {sums} FROM {table} WHERE {where}"
                " GROUP BY channel_id ORDER BY channel_id"
            ),
            key,
        )
        failures = await conn.execute(
            text(
                f'SELECT code, sum(count)::bigint AS n FROM "{schema}".message_failures_hourly'
                f" WHERE {where} GROUP BY code ORDER BY n DESC, code LIMIT :top"
            ),
            {**key, "top": top},
        )
        return Period(
            hours=[dict(r._mapping) for r in hours],
            channels=[dict(r._mapping) for r in channels],
            failures=[(str(r.code), int(r.n)) for r in failures],
        )
