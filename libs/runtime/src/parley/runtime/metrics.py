"""Prometheus metrics of one service, named `parley_<service>_<name>_<unit>`.

Each service owns a registry rather than the global one, so tests can build several services in
one process and `/metrics` shows exactly that service's series.
"""

from __future__ import annotations

import platform
import re
import time

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    ProcessCollector,
    generate_latest,
)

_PART = re.compile(r"^[a-z][a-z0-9_]*$")


def metric_name(service: str, name: str, unit: str = "") -> str:
    """`metric_name("flow-engine", "executions_started", "total")` ->
    `parley_flow_engine_executions_started_total`."""
    parts = [service.replace("-", "_"), name, *([unit] if unit else [])]
    for part in parts:
        if not _PART.match(part):
            raise ValueError(f"{part!r} is not a valid metric name part (lower snake case)")
    return "_".join(["parley", *parts])


class ServiceMetrics:
    def __init__(self, service: str, version: str, instance_id: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.started_at = time.time()

        build = Info(
            self.name("build"),
            "Build of this service instance.",
            registry=self.registry,
        )
        build.info(
            {"version": version, "instance": instance_id, "python": platform.python_version()}
        )
        self.up = Gauge(
            self.name("up"),
            "1 while the service has started and not begun to stop.",
            registry=self.registry,
        )
        Gauge(
            self.name("start_time", "seconds"),
            "Start time of this instance, seconds since the epoch.",
            registry=self.registry,
        ).set(self.started_at)
        Gauge(
            self.name("uptime", "seconds"),
            "Seconds since this instance started.",
            registry=self.registry,
        ).set_function(lambda: time.time() - self.started_at)

    def name(self, name: str, unit: str = "") -> str:
        return metric_name(self.service, name, unit)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class ConsumerMetrics:
    """What every durable consumer of a service reports, labelled by its durable name."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self.handled = Counter(
            metrics.name("messages_handled", "total"),
            "Messages handled by a consumer, by outcome (ok, retry, dead_letter).",
            ["durable", "outcome"],
            registry=metrics.registry,
        )
        self.duration = Histogram(
            metrics.name("handler_duration", "seconds"),
            "Time a consumer's handler took per message.",
            ["durable"],
            registry=metrics.registry,
        )
