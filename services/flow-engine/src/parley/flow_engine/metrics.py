"""The flow engine's own Prometheus metrics, in the service's registry (served on /metrics).

Counted where an execution's input is decided and appended (`ExecutionRunner.apply`), from the
events that were appended: a redelivered input decides nothing again, so nothing is counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import Counter, Histogram

from parley.contracts.envelope import Envelope
from parley.runtime.metrics import ServiceMetrics

# Decide + append of one input is milliseconds; a slow one waits on a contended append.
_STEP_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class FlowEngineMetrics:
    def __init__(self, metrics: ServiceMetrics) -> None:
        registry = metrics.registry

        def outcome(name: str, what: str) -> Counter:
            return Counter(metrics.name(name, "total"), what, registry=registry)

        self._counters = {
            "exec.ExecutionStarted": outcome("executions_started", "Executions started."),
            "exec.ExecutionCompleted": outcome("executions_completed", "Executions completed."),
            "exec.ExecutionFailed": outcome("executions_failed", "Executions that failed."),
            "exec.ExecutionCancelled": outcome(
                "executions_cancelled", "Executions cancelled (opt-out, support, a newer run)."
            ),
            "exec.NodeEntered": outcome("nodes_entered", "Flow nodes entered by executions."),
        }
        self.step_duration = Histogram(
            metrics.name("step_duration", "seconds"),
            "Time to load, decide and append one input of an execution, by input type.",
            ["input"],
            buckets=_STEP_BUCKETS,
            registry=registry,
        )

    def applied(self, input_type: str, seconds: float, events: Sequence[Envelope]) -> None:
        self.step_duration.labels(input_type).observe(seconds)
        for event in events:
            counter = self._counters.get(event.type)
            if counter is not None:
                counter.inc()
