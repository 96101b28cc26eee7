"""Retrying a write that must not be lost to a moment of NATS failover.

While a JetStream cluster elects a new leader for a stream (a few seconds after a node dies),
publishes and KV writes to it time out or find no responder. For most work a redelivery later
is the right answer; a write recording what already happened outside (WhatsApp took a message)
is better retried in place, because a redelivery would no longer know the outcome.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from parley.runtime.logs import get_logger

T = TypeVar("T")

log = get_logger("parley.runtime.retries")


async def retry_until(
    operation: Callable[[], Awaitable[T]], *, deadline: float, pause: float = 0.25
) -> T:
    """Run `operation` (idempotent) until it succeeds, pausing between attempts (doubling up
    to 2 s); once `time.monotonic()` passes `deadline`, its last error is raised."""
    while True:
        try:
            return await operation()
        except Exception as err:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            log.warning("write failed, retrying", error=repr(err), seconds_left=round(left, 1))
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, 2.0)
