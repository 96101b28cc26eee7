"""Rebuilding a running service's projections on request (`parley replay projections <service>`).

Every instance of a service subscribes to `parley.admin.<service>.rebuild-projections` with no
queue group, so one request reaches all of them, because only the instance holding a projection's
lease may rebuild it and the asker does not know which one that is. Each instance answers at once
("accepted": every projection of the service, and those it leads and now rebuilds); each leader
answers again when done ("done": applied events or the error, per projection). So the asker learns
the projection names without a database or the service's code, sees which instance does what,
and can ask again for a projection nobody led at that moment (a failover in progress).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Literal

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from pydantic import BaseModel, ConfigDict, ValidationError

from parley.runtime.logs import get_logger
from parley.runtime.projections import ProjectionRunner

log = get_logger("parley.runtime.projections")


def rebuild_subject(service: str) -> str:
    return f"parley.admin.{service}.rebuild-projections"


class RebuildRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # None: every projection of the service; []: none, only say which there are.
    projections: list[str] | None = None


class Outcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    projection: str
    ok: bool
    applied: int = 0
    seconds: float = 0.0
    error: str | None = None


class RebuildAnswer(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: Literal["accepted", "done"]
    service: str
    instance_id: str
    projections: list[str]  # every projection the service keeps
    rebuilding: list[str] = []  # accepted: those this instance leads and rebuilds
    outcomes: list[Outcome] = []  # done: how each of them went
    error: str | None = None  # the request itself could not be understood


async def rebuild_outcome(runner: ProjectionRunner, *, lease_timeout: float = 10.0) -> Outcome:
    """Run one rebuild; any failure becomes an outcome that says why, not an exception."""
    started = time.monotonic()
    try:
        applied = await runner.rebuild(lease_timeout=lease_timeout)
    except Exception as err:  # noqa: BLE001 - reported to whoever asked, and logged
        log.warning("projection rebuild failed", projection=runner.name, error=repr(err))
        return Outcome(projection=runner.name, ok=False, error=str(err) or type(err).__name__)
    seconds = round(time.monotonic() - started, 3)
    log.info("projection rebuilt", projection=runner.name, applied=applied, seconds=seconds)
    return Outcome(projection=runner.name, ok=True, applied=applied, seconds=seconds)


class ProjectionAdmin:
    """One service instance's side of the protocol."""

    def __init__(
        self,
        nc: NatsClient,
        service: str,
        instance_id: str,
        runners: Sequence[ProjectionRunner],
    ) -> None:
        self.nc = nc
        self.service = service
        self.instance_id = instance_id
        self.runners = runners
        self._sub: Subscription | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._sub = await self.nc.subscribe(rebuild_subject(self.service), cb=self._received)

    async def stop(self) -> None:
        if self._sub is not None:
            await self._sub.unsubscribe()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _received(self, msg: Msg) -> None:
        # A rebuild takes a while and nats-py runs one callback of a subscription at a time:
        # answer each request in a task of its own, so the next asker hears back at once.
        if not msg.reply:
            return  # nobody to tell the outcome: a stray publish, not a request
        task = asyncio.create_task(self._answer(msg), name="projection rebuild request")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, msg: Msg) -> None:
        try:
            request = RebuildRequest.model_validate_json(msg.data or b"{}")
        except ValidationError as err:
            await msg.respond(self._json("done", error=f"not a rebuild request: {err}"))
            return
        asked = request.projections
        mine = [r for r in self.runners if (asked is None or r.name in asked) and r.leading]
        await msg.respond(self._json("accepted", rebuilding=[r.name for r in mine]))
        if not mine:
            return
        log.info("rebuilding projections on request", projections=[r.name for r in mine])
        outcomes = await asyncio.gather(*(rebuild_outcome(r) for r in mine))
        await msg.respond(self._json("done", outcomes=list(outcomes)))

    def _json(
        self,
        stage: Literal["accepted", "done"],
        *,
        rebuilding: list[str] | None = None,
        outcomes: list[Outcome] | None = None,
        error: str | None = None,
    ) -> bytes:
        answer = RebuildAnswer(
            stage=stage,
            service=self.service,
            instance_id=self.instance_id,
            projections=[r.name for r in self.runners],
            rebuilding=rebuilding or [],
            outcomes=outcomes or [],
            error=error,
        )
        return answer.model_dump_json().encode()
