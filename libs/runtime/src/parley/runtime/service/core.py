"""The lifecycle every Parley service shares, from first connection to clean stop.

Start: health server (alive at once, not ready), NATS, the streams this service owns, its
Postgres schema and migrations, the `parley-<name>` micro service with its `health` endpoint, then
the service's own start hooks. Stop runs the same steps backwards: hooks, micro service, NATS
drain, engine, health server. Each step registers its undo on an exit stack as soon as it has
something to undo, so a stop that arrives halfway through start-up undoes exactly what was done.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from nats import micro
from nats.js import JetStreamContext
from nats.micro.request import Request
from nats.micro.service import EndpointConfig, ServiceConfig
from nats.micro.service import Service as MicroService
from opentelemetry import trace
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.streams import owned_by
from parley.contracts.system import HealthReport
from parley.runtime import kv
from parley.runtime.consumers import BatchHandler, Consumer, ConsumerSpec, Handler
from parley.runtime.db import create_engine, ensure_schema, schema_name
from parley.runtime.discovery import HEALTH_SUBJECT, health_queue_group
from parley.runtime.health import HealthServer
from parley.runtime.jetstream_metrics import JetStreamCollector
from parley.runtime.logs import get_logger
from parley.runtime.metrics import ConsumerMetrics, ServiceMetrics
from parley.runtime.migrations import migrate
from parley.runtime.projection_admin import ProjectionAdmin
from parley.runtime.projections import Projection, ProjectionRunner
from parley.runtime.queries import Q, QueryEndpoint, QueryHandler, query_subject
from parley.runtime.readiness import Check, NotReady, Readiness, evaluate
from parley.runtime.service import checks, connect
from parley.runtime.settings import ServiceSettings
from parley.runtime.streams import ensure_streams
from parley.runtime.tracing import extract_context

StartHook = Callable[["Service"], Awaitable[None]]
StopHook = Callable[[], Awaitable[None]]
Phase = Literal["created", "starting", "running", "stopping", "stopped"]

log = get_logger("parley.runtime.service")

# Each undo step gets this long; `parley dev` kills a child that takes longer than 10 s in all.
_STEP_TIMEOUT = 5.0


class Service:
    def __init__(
        self,
        *,
        name: str,
        version: str,
        settings: ServiceSettings,
        description: str = "",
        migrations: Path | None = None,
    ) -> None:
        self.name = name
        self.version = version
        self.settings = settings
        self.description = description
        self.migrations = migrations
        self.schema = schema_name(name)
        self.streams = owned_by(name)
        self.instance_id = f"{socket.gethostname()}-{os.getpid()}"
        self.metrics = ServiceMetrics(name, version, self.instance_id)
        self.consumer_metrics = ConsumerMetrics(self.metrics)
        self.nc = connect.new_client()
        self.engine: AsyncEngine = create_engine(settings.database_url)
        # Hooks for the features later issues add: consumers, projections, query endpoints.
        self.on_start: list[StartHook] = []
        self.on_stop: list[StopHook] = []
        self._stoppers: list[Callable[[], None]] = []  # of the running consumers and projections
        self.consumer_specs: list[ConsumerSpec] = []  # whose backlog /metrics reports
        self.projections: list[ProjectionRunner] = []
        self.checks: dict[str, Check] = {
            "startup": self._startup_check,
            "nats": checks.nats_check(self.nc),
            "postgres": checks.postgres_check(self.engine),
            "streams": checks.streams_check(self.nc, self.streams),
        }
        self.phase: Phase = "created"
        self.started_at = datetime.now(UTC)
        self._micro: MicroService | None = None
        self._stop = asyncio.Event()

    @property
    def js(self) -> JetStreamContext:
        return self.nc.jetstream(timeout=5)

    @property
    def micro(self) -> MicroService:
        """The `parley-<name>` micro service, for query endpoints added by start hooks."""
        if self._micro is None:
            raise RuntimeError(f"{self.name}: the micro service exists only once started")
        return self._micro

    def add_consumer(
        self, spec: ConsumerSpec, handler: Handler, batch_handler: BatchHandler | None = None
    ) -> None:
        """Run a durable consumer for the service's lifetime: started once the streams exist,
        stopped (after its in-flight message) before NATS is drained."""
        self.consumer_specs.append(spec)

        async def start(service: Service) -> None:
            consumer = Consumer(
                service.nc,
                spec,
                handler,
                metrics=service.consumer_metrics,
                batch_handler=batch_handler,
            )
            task = asyncio.create_task(consumer.run(), name=f"consumer {spec.durable}")
            service._stoppers.append(consumer.stop)

            async def stop() -> None:
                service._stop_workers()
                await task

            service.on_stop.append(stop)

        self.on_start.append(start)

    def add_projection(self, projection: Projection, spec: ConsumerSpec) -> ProjectionRunner:
        """Keep a read model in this service's schema up to date for the service's lifetime.
        Its tables come from the service's migrations, which run before any start hook. With
        several replicas, the one holding the projection's lease applies it, the others stand
        by; `parley replay projections` asks that one to rebuild it."""
        runner = ProjectionRunner(
            self.nc, self.engine, self.schema, projection, spec, metrics=self.consumer_metrics
        )
        self.projections.append(runner)
        self.consumer_specs.append(spec)

        async def start(service: Service) -> None:
            task = asyncio.create_task(runner.run(), name=f"projection {projection.name}")
            service._stoppers.append(runner.stop)

            async def stop() -> None:
                service._stop_workers()
                await task

            service.on_stop.append(stop)

        self.on_start.append(start)
        return runner

    def add_query(self, name: str, query: type[Q], handler: QueryHandler[Q]) -> str:
        """Answer `query` on `parley.q.<service>.<name>` (any one instance answers each request).
        Returns the subject."""
        subject = query_subject(self.name, name)

        async def start(service: Service) -> None:
            await service.micro.add_endpoint(
                EndpointConfig(name=name, subject=subject, handler=QueryEndpoint(query, handler))
            )

        self.on_start.append(start)
        return subject

    def stop(self) -> None:
        """Ask `run` to stop; safe to call from a signal handler and more than once."""
        self._stop.set()

    def _stop_workers(self) -> None:
        """Tell every consumer and projection to stop at once. Each finishes its message in
        hand and its fetch (up to half a second) by itself: told one after another, a service
        with a dozen of them took seconds to stop; told together, they take the longest one."""
        for stop in self._stoppers:
            stop()

    async def readiness(self) -> Readiness:
        return await evaluate(self.checks)

    async def run(self) -> None:
        """Start, serve until `stop()`, then stop cleanly. Start-up errors propagate."""
        async with AsyncExitStack() as undo:
            starting = asyncio.create_task(self._start(undo))
            stop_requested = asyncio.create_task(self._stop.wait())
            try:
                await asyncio.wait({starting, stop_requested}, return_when=asyncio.FIRST_COMPLETED)
                if starting.done():
                    starting.result()
                    log.info("service started", health_port=self.settings.health_port)
                    await stop_requested
                else:
                    log.info("stop requested during start-up")
                    starting.cancel()
                    with suppress(asyncio.CancelledError):
                        await starting
            finally:
                stop_requested.cancel()
                self.phase = "stopping"
                self.metrics.up.set(0)
                log.info("service stopping")
        self.phase = "stopped"
        log.info("service stopped")

    async def _start(self, undo: AsyncExitStack) -> None:
        self.phase = "starting"
        health = HealthServer(
            host=self.settings.health_host,
            port=self.settings.health_port,
            readiness=self.readiness,
            metrics=self.metrics.render,
        )
        await health.start()
        undo.push_async_callback(self._step, "health server", health.stop)
        undo.push_async_callback(self._step, "postgres engine", self.engine.dispose)
        undo.push_async_callback(self._step, "nats", lambda: connect.close(self.nc))
        await connect.connect(self.nc, self.settings.nats_url, name=f"parley-{self.name}")

        await ensure_streams(self.js, self.streams, replicas=self.settings.stream_replicas)
        kv.set_bucket_replicas(self.nc, self.settings.stream_replicas)
        if self.migrations is not None:
            await migrate(self.engine, self.migrations, self.schema)
        else:
            await ensure_schema(self.engine, self.schema)

        self._micro = await self._serve_micro()
        undo.push_async_callback(self._step, "micro service", self._micro.stop)
        for hook in self.on_start:
            await hook(self)
        for stop_hook in self.on_stop:
            undo.push_async_callback(self._step, "stop hook", stop_hook)
        collector = JetStreamCollector(self.nc, self.metrics, self.consumer_specs)
        collector.start()
        undo.push_async_callback(self._step, "jetstream metrics", collector.stop)
        # Subscribed last, so it is the first thing stopped: no rebuild starts during a stop.
        admin = ProjectionAdmin(self.nc, self.name, self.instance_id, self.projections)
        await admin.start()
        undo.push_async_callback(self._step, "projection admin", admin.stop)
        self.phase = "running"
        self.metrics.up.set(1)

    async def _serve_micro(self) -> MicroService:
        service = await micro.add_service(
            self.nc,
            ServiceConfig(
                name=f"parley-{self.name}",
                version=self.version,
                description=self.description or None,
                metadata={"instance_id": self.instance_id},
            ),
        )
        await service.add_endpoint(
            EndpointConfig(
                name="health",
                subject=HEALTH_SUBJECT,
                queue_group=health_queue_group(self.instance_id),
                handler=self._answer_health,
            )
        )
        return service

    async def _answer_health(self, request: Request) -> None:
        tracer = trace.get_tracer("parley.runtime")
        with tracer.start_as_current_span("health", context=extract_context(request.headers)):
            report = self.health_report(await self.readiness())
            await request.respond(report.model_dump_json().encode())

    def health_report(self, readiness: Readiness) -> HealthReport:
        now = datetime.now(UTC)
        return HealthReport(
            service=self.name,
            version=self.version,
            instance_id=self.instance_id,
            ready=readiness.ready,
            started_at=self.started_at,
            uptime_seconds=max(0.0, (now - self.started_at).total_seconds()),
            checks=readiness.checks,
        )

    async def _startup_check(self) -> str:
        if self.phase != "running":
            raise NotReady(self.phase)
        return "running"

    async def _step(self, what: str, undo: Callable[[], Awaitable[object]]) -> None:
        """One stop step, bounded and logged, so a stuck step never blocks the ones after it."""
        try:
            await asyncio.wait_for(undo(), _STEP_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - stopping goes on; the failure is logged
            log.warning("stop step failed", step=what, error=str(exc) or type(exc).__name__)
