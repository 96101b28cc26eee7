"""The CLI's NATS connection: one attempt, a short timeout, and a readable failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import nats
import typer
from nats.aio.client import Client as NatsClient

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"

NatsUrl = Annotated[
    str,
    typer.Option(
        "--nats-url",
        envvar="NATS_URL",
        help="NATS server to ask.",
        show_default=DEFAULT_NATS_URL,
    ),
]


class Unreachable(Exception):
    def __init__(self, url: str, error: BaseException) -> None:
        super().__init__(f"cannot reach NATS at {url}: {error or type(error).__name__}")


@asynccontextmanager
async def connected(url: str, *, timeout: float = 2.0) -> AsyncIterator[NatsClient]:
    async def quiet(_: Exception) -> None:
        """Failures surface as `Unreachable`; nats-py's own error log would repeat them."""

    try:
        nc = await nats.connect(
            url,
            allow_reconnect=False,
            connect_timeout=max(1, round(timeout)),
            error_cb=quiet,
            name="parley-cli",
        )
    except (OSError, TimeoutError, nats.errors.Error) as exc:
        raise Unreachable(url, exc) from exc
    try:
        yield nc
    finally:
        await nc.close()
