"""JetStream figures in a service's `/metrics`: its consumers' backlog, its streams' size, and
(from one service only) the dead letters.

Each service reports what it owns, so a dashboard sums or maxes over services without counting
a figure twice: the consumers it registered (`Service.add_consumer`, `add_projection`), the
streams whose catalog `owner` it is, and, for the reporter of the shared runtime streams, TIMERS
and DEADLETTER, with the dead letters broken down by the stream and consumer they came from
(`dlq.<stream>.<consumer>`). Replicas of one service report the same figures: dashboards take
`max by (stream, durable)`.

The figures are refreshed every `interval` seconds (one `consumer_info` per consumer and one
`stream_info` per stream: cheap), not at scrape time, so a slow NATS never slows `/metrics`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from nats.aio.client import Client as NatsClient
from nats.errors import Error as NatsError
from nats.js.errors import NotFoundError
from prometheus_client import Counter, Gauge

from parley.contracts.streams import CATALOG, DEADLETTER, StreamSpec
from parley.runtime.consumers import ConsumerSpec
from parley.runtime.logs import get_logger
from parley.runtime.metrics import ServiceMetrics

log = get_logger("parley.runtime.jetstream_metrics")

# The service that reports the streams every service shares (owner "runtime"): the gateway
# always runs, and one reporter keeps the dead-letter count from being summed several times.
RUNTIME_STREAMS_REPORTER = "gateway"
DEFAULT_INTERVAL = 15.0


def streams_reported_by(service: str) -> tuple[StreamSpec, ...]:
    owners = {service, "runtime"} if service == RUNTIME_STREAMS_REPORTER else {service}
    return tuple(s for s in CATALOG if s.owner in owners)


class JetStreamMetrics:
    def __init__(self, metrics: ServiceMetrics) -> None:
        registry = metrics.registry
        consumer = ["stream", "durable"]
        self.pending = Gauge(
            metrics.name("consumer_pending", "messages"),
            "Messages of a durable consumer's filter not yet delivered (num_pending): its lag.",
            consumer,
            registry=registry,
        )
        self.ack_pending = Gauge(
            metrics.name("consumer_ack_pending", "messages"),
            "Messages delivered to a consumer and not yet acknowledged (num_ack_pending).",
            consumer,
            registry=registry,
        )
        self.redelivered = Gauge(
            metrics.name("consumer_redelivered", "messages"),
            "Messages delivered more than once and still unacknowledged (num_redelivered).",
            consumer,
            registry=registry,
        )
        self.stream_messages = Gauge(
            metrics.name("stream", "messages"),
            "Messages in a stream this service owns.",
            ["stream"],
            registry=registry,
        )
        self.stream_bytes = Gauge(
            metrics.name("stream", "bytes"),
            "Bytes stored by a stream this service owns.",
            ["stream"],
            registry=registry,
        )
        self.dead_letters = Gauge(
            metrics.name("dead_letters", "messages"),
            "Messages in the DEADLETTER stream, by the stream and consumer that gave up on them.",
            ["stream", "consumer"],
            registry=registry,
        )
        self.refresh_failures = Counter(
            metrics.name("jetstream_refresh_failures", "total"),
            "Refreshes of these JetStream figures that failed (NATS unreachable, timeouts).",
            registry=registry,
        )


class JetStreamCollector:
    """Refreshes `JetStreamMetrics` in the background for one service instance."""

    def __init__(
        self,
        nc: NatsClient,
        metrics: ServiceMetrics,
        consumers: Sequence[ConsumerSpec],
        *,
        interval: float = DEFAULT_INTERVAL,
    ) -> None:
        self._nc = nc
        self._figures = JetStreamMetrics(metrics)
        self._consumers = consumers  # read at each refresh: hooks may still add to it
        self._streams = streams_reported_by(metrics.service)
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="jetstream metrics")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            try:
                await self.refresh()
            except (NatsError, TimeoutError) as exc:
                self._figures.refresh_failures.inc()
                log.warning("jetstream metrics refresh failed", error=str(exc) or repr(exc))
            await asyncio.sleep(self._interval)

    async def refresh(self) -> None:
        js = self._nc.jetstream(timeout=5)
        figures = self._figures
        for spec in {(c.stream, c.durable) for c in self._consumers}:
            try:
                info = await js.consumer_info(*spec)
            except NotFoundError:
                continue  # a projection's durable is being recreated for a rebuild
            figures.pending.labels(*spec).set(info.num_pending or 0)
            figures.ack_pending.labels(*spec).set(info.num_ack_pending or 0)
            figures.redelivered.labels(*spec).set(info.num_redelivered or 0)
        for stream in self._streams:
            dead_letters = stream.name == DEADLETTER.name
            try:
                info = await js.stream_info(stream.name, "dlq.>" if dead_letters else None)
            except NotFoundError:
                continue
            figures.stream_messages.labels(stream.name).set(info.state.messages)
            figures.stream_bytes.labels(stream.name).set(info.state.bytes)
            if dead_letters:
                for subject, count in (info.state.subjects or {}).items():
                    parts = subject.split(".", 2)  # dlq.<stream>.<consumer>
                    if len(parts) == 3:
                        figures.dead_letters.labels(parts[1], parts[2]).set(count)
