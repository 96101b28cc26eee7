"""OpenTelemetry tracing, and the W3C `traceparent` header that carries a trace across NATS.

Spans are recorded by the SDK provider; they leave the process only when an exporter is chosen
with `OTEL_TRACES_EXPORTER` (`console`, or `otlp` when its package is installed).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping
from typing import Literal

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
)
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

Exporter = Literal["none", "console", "otlp"]

_propagator = TraceContextTextMapPropagator()


def build_tracer_provider(
    service: str, version: str, instance_id: str, *, exporter: Exporter = "none"
) -> TracerProvider:
    resource = Resource.create(
        {
            "service.name": f"parley-{service}",
            "service.version": version,
            "service.instance.id": instance_id,
        }
    )
    provider = TracerProvider(resource=resource)
    if exporter == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    elif exporter == "otlp":
        provider.add_span_processor(BatchSpanProcessor(_otlp_exporter()))
    return provider


def _otlp_exporter() -> SpanExporter:
    # Optional package, imported by name so the runtime does not depend on it.
    module = importlib.import_module("opentelemetry.exporter.otlp.proto.http.trace_exporter")
    exporter: SpanExporter = module.OTLPSpanExporter()
    return exporter


def configure_tracing(
    service: str, version: str, instance_id: str, *, exporter: Exporter = "none"
) -> TracerProvider:
    """Install the process-wide provider (once per process, as OpenTelemetry requires)."""
    provider = build_tracer_provider(service, version, instance_id, exporter=exporter)
    trace.set_tracer_provider(provider)
    return provider


def inject_traceparent(
    headers: MutableMapping[str, str], context: Context | None = None
) -> MutableMapping[str, str]:
    """Add `traceparent` (and `tracestate`) of the current span to outgoing NATS headers."""
    _propagator.inject(headers, context=context)
    return headers


def extract_context(headers: Mapping[str, str] | None) -> Context:
    """The remote span context from incoming headers; an empty context when there is none."""
    return _propagator.extract(dict(headers or {}))
