"""`parley replay projections <service>`: rebuild a service's read models from its streams.

Online first: the running instances are asked (`parley.runtime.projection_admin`), and the one
leading each projection rebuilds it while the service keeps running. The names of the projections
come from the instances' first answer, so this needs neither a database nor the service's code.

Offline when no instance answers: the service is built from its composition root (its settings
come from the environment, DATABASE_URL included) but not started, and each projection is rebuilt
here under the same lease a replica needs, so one starting meanwhile stands by until it is done.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import nats
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from pydantic import ValidationError

from parley.runtime.cli.connection import Unreachable, connected
from parley.runtime.cli.output import table
from parley.runtime.cli.roster import SERVICES, module_of
from parley.runtime.db import ensure_schema
from parley.runtime.migrations import migrate
from parley.runtime.projection_admin import (
    Outcome,
    RebuildAnswer,
    RebuildRequest,
    rebuild_outcome,
    rebuild_subject,
)
from parley.runtime.service import Service
from parley.runtime.service.connect import close

Progress = Callable[[str], None]
HERE = "here (offline)"
_ASK_AGAIN = 1.0  # a projection nobody leads yet (failover under way) is asked for again this often


class RebuildFailed(Exception):
    """The rebuild could not be attempted; the message says why and what to do."""


@dataclass(frozen=True)
class Row:
    projection: str
    where: str  # the instance that rebuilt it, or HERE
    outcome: Outcome | None  # None: nobody reported before the deadline

    @property
    def ok(self) -> bool:
        return self.outcome is not None and self.outcome.ok


def check_service(service: str) -> None:
    if service not in SERVICES:
        raise RebuildFailed(f"unknown service {service!r}; choose one of: {', '.join(SERVICES)}")


async def rebuild(
    service: str,
    only: Sequence[str] = (),
    *,
    nats_url: str,
    timeout: float = 600.0,
    progress: Progress = lambda _: None,
    before_offline: Callable[[], None] = lambda: None,
) -> list[Row]:
    """Rebuild `only` (default: every) projection of `service`, online or else offline."""
    check_service(service)
    async with connected(nats_url) as nc:
        names = await discover(nc, service)
        if names is not None:
            wanted = select(service, names, only)
            return await rebuild_online(nc, service, wanted, timeout=timeout, progress=progress)
    progress(f"no {service} instance answers: rebuilding here")
    before_offline()
    built = build_service(service, nats_url)
    wanted = select(service, [r.name for r in built.projections], only)
    if not wanted:
        return []  # a service without read models: nothing to connect to
    return await rebuild_offline(built, wanted, nats_url=nats_url)


async def discover(nc: NatsClient, service: str) -> list[str] | None:
    """The service's projection names, as a running instance tells them; None if none runs."""
    ask = RebuildRequest(projections=[]).model_dump_json().encode()
    try:
        reply = await nc.request(rebuild_subject(service), ask, timeout=2)
    except (nats.errors.NoRespondersError, TimeoutError):
        return None
    return RebuildAnswer.model_validate_json(reply.data).projections


def select(service: str, names: Sequence[str], only: Sequence[str]) -> list[str]:
    unknown = sorted(set(only) - set(names))
    if unknown:
        keeps = ", ".join(names) or "none"
        raise RebuildFailed(f"{service} has no projection {', '.join(unknown)} (it keeps: {keeps})")
    return [name for name in names if not only or name in only]


async def rebuild_online(
    nc: NatsClient,
    service: str,
    names: Sequence[str],
    *,
    timeout: float,
    progress: Progress = lambda _: None,
) -> list[Row]:
    """Ask every instance; gather each projection's outcome from its leader until `timeout`."""
    answers: asyncio.Queue[Msg] = asyncio.Queue()
    inbox = nc.new_inbox()
    sub = await nc.subscribe(inbox, cb=answers.put)
    working: dict[str, str] = {}  # projection -> the instance rebuilding it
    done: dict[str, Row] = {}
    deadline = time.monotonic() + timeout
    asked_at = float("-inf")
    try:
        while len(done) < len(names) and (left := deadline - time.monotonic()) > 0:
            unled = [n for n in names if n not in working and n not in done]
            if unled and time.monotonic() - asked_at >= _ASK_AGAIN:
                request = RebuildRequest(projections=unled).model_dump_json().encode()
                await nc.publish(rebuild_subject(service), request, reply=inbox)
                asked_at = time.monotonic()
            try:
                msg = await asyncio.wait_for(answers.get(), min(left, _ASK_AGAIN))
            except TimeoutError:
                continue
            if _no_responders(msg):
                progress(f"no {service} instance answers any more")
                break
            answer = _read(msg)
            if answer is None:
                continue  # not an answer we understand: say nothing, the table will
            if answer.stage == "accepted":
                for name in answer.rebuilding:
                    if name in names and name not in working:
                        working[name] = answer.instance_id
                        progress(f"{name}: rebuilding on {answer.instance_id}")
            for outcome in answer.outcomes:
                if outcome.projection in names:
                    done[outcome.projection] = Row(outcome.projection, answer.instance_id, outcome)
    finally:
        await sub.unsubscribe()
    return [done.get(n) or Row(n, working.get(n, "-"), None) for n in names]


def _no_responders(msg: Msg) -> bool:
    # NATS answers a request nobody is subscribed to with an empty "503" status message.
    return (msg.headers or {}).get("Status") == "503"


def _read(msg: Msg) -> RebuildAnswer | None:
    try:
        return RebuildAnswer.model_validate_json(msg.data)
    except ValidationError:
        return None


def build_service(service: str, nats_url: str) -> Service:
    """The service as its composition root wires it, not started: nothing connects yet."""
    if not os.environ.get("DATABASE_URL"):
        raise RebuildFailed(
            f"no {service} instance answers, and rebuilding here needs its settings: "
            "set DATABASE_URL (and whatever else the service needs), or start the service"
        )
    # The service reads NATS_URL from the environment; without it, use the server we asked.
    os.environ.setdefault("NATS_URL", nats_url)
    built = importlib.import_module(module_of(service) + ".app").build()
    if not isinstance(built, Service):
        raise RebuildFailed(f"{module_of(service)}.app.build() did not return a Service")
    return built


async def rebuild_offline(
    service: Service, names: Sequence[str], *, nats_url: str, lease_timeout: float = 10.0
) -> list[Row]:
    """Rebuild here, as the service would: migrated schema, then each projection under its lease."""
    try:
        await service.nc.connect(
            nats_url, allow_reconnect=False, connect_timeout=2, name=f"parley-cli-{service.name}"
        )
    except (OSError, TimeoutError, nats.errors.Error) as exc:
        raise Unreachable(nats_url, exc) from exc
    try:
        # A fresh database may lack the tables: migrating first is what the service would do.
        if service.migrations is not None:
            await migrate(service.engine, service.migrations, service.schema)
        else:
            await ensure_schema(service.engine, service.schema)
        runners = [r for r in service.projections if r.name in names]
        outcomes = await asyncio.gather(
            *(rebuild_outcome(r, lease_timeout=lease_timeout) for r in runners)
        )
        return [Row(o.projection, HERE, o) for o in outcomes]
    finally:
        await close(service.nc)
        await service.engine.dispose()


def render(service: str, rows: Sequence[Row]) -> str:
    if not rows:
        return f"{service} keeps no projections: nothing to rebuild"
    lines = []
    for row in rows:
        o = row.outcome
        if o is None:
            lines.append([row.projection, "NO ANSWER", "-", "-", row.where, "no outcome in time"])
        elif o.ok:
            lines.append([row.projection, "ok", str(o.applied), f"{o.seconds:.2f}", row.where, ""])
        else:
            lines.append([row.projection, "FAILED", "-", "-", row.where, o.error or ""])
    return table(["PROJECTION", "RESULT", "EVENTS", "SECONDS", "WHERE", "DETAIL"], lines)
