"""How a running job waits: every wait (a politeness delay, a retry's backoff, a slow page)
ends at once when the job is cancelled or the service stops, so a cancel is noticed within
moments, not after the current delay."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from contextlib import suppress
from typing import Literal, TypeVar

T = TypeVar("T")
Why = Literal["cancelled", "stopping"]


class JobInterrupted(Exception):
    def __init__(self, why: Why) -> None:
        super().__init__(why)
        self.why: Why = why


class Pace:
    def __init__(self, stopping: asyncio.Event) -> None:
        self.cancelled = asyncio.Event()
        self._stopping = stopping

    def check(self) -> None:
        if self.cancelled.is_set():
            raise JobInterrupted("cancelled")
        if self._stopping.is_set():
            raise JobInterrupted("stopping")

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            await self.race(asyncio.sleep(seconds))
        self.check()

    async def race(self, work: Awaitable[T]) -> T:
        """`work`'s result, unless the job is cancelled or the service stops first."""
        try:
            self.check()
        except JobInterrupted:
            if inspect.iscoroutine(work):
                work.close()  # never started: no "never awaited" warning
            raise
        task = asyncio.ensure_future(work)
        cancel = asyncio.create_task(self.cancelled.wait())
        stop = asyncio.create_task(self._stopping.wait())
        try:
            await asyncio.wait({task, cancel, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (cancel, stop):
                waiter.cancel()
        if not task.done():
            task.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await task
            self.check()
        return task.result()
