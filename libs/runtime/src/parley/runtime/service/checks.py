"""The readiness checks every service has: NATS connected, Postgres answers, streams exist."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from nats.aio.client import Client as NatsClient
from nats.js.errors import NotFoundError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.streams import StreamSpec
from parley.runtime.readiness import Check, NotReady


def nats_check(nc: NatsClient) -> Check:
    async def check() -> str:
        if nc.is_connected:
            return "connected"
        if nc.is_reconnecting:
            raise NotReady("reconnecting")
        raise NotReady("not connected")

    return check


def postgres_check(engine: AsyncEngine) -> Check:
    async def check() -> str:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return "select 1 ok"

    return check


def streams_check(nc: NatsClient, specs: Sequence[StreamSpec]) -> Check:
    async def exists(name: str) -> bool:
        try:
            await nc.jetstream(timeout=1).stream_info(name)
        except NotFoundError:
            return False
        return True

    async def check() -> str:
        if not nc.is_connected:
            raise NotReady("NATS not connected")
        found = await asyncio.gather(*(exists(spec.name) for spec in specs))
        missing = [spec.name for spec, ok in zip(specs, found, strict=True) if not ok]
        if missing:
            raise NotReady("missing: " + ", ".join(missing))
        return ", ".join(spec.name for spec in specs)

    return check
