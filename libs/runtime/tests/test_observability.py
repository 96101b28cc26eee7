"""Logs, traces and metrics carry the names and context the design promises."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import get_current_span

from parley.runtime.logs import configure_logging, get_logger, log_context, resolve_format
from parley.runtime.metrics import ServiceMetrics, metric_name
from parley.runtime.tracing import extract_context, inject_traceparent


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers, root.level = handlers, level
    structlog.reset_defaults()


def test_json_lines_carry_service_and_bound_ids(restore_logging: None) -> None:
    out = io.StringIO()
    configure_logging("flow-engine", fmt="json", stream=out)
    with log_context(workspace_id="ws1", correlation_id="c1", execution_id="e1"):
        get_logger("test").info("step done", step=3)
    get_logger("test").info("outside")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["service"] == "flow-engine"
    assert (first["workspace_id"], first["correlation_id"], first["execution_id"]) == (
        "ws1",
        "c1",
        "e1",
    )
    assert (first["event"], first["step"], first["level"]) == ("step done", 3, "info")
    assert list(first)[:4] == ["timestamp", "level", "service", "event"]
    assert "workspace_id" not in second


def test_standard_library_logs_come_out_the_same_way(restore_logging: None) -> None:
    out = io.StringIO()
    configure_logging("crm", fmt="json", level="debug", stream=out)
    logging.getLogger("nats.aio.client").warning("lost %s", "connection")
    line = json.loads(out.getvalue())
    assert (line["event"], line["service"], line["logger"]) == (
        "lost connection",
        "crm",
        "nats.aio.client",
    )


def test_auto_format_is_json_in_production_and_off_a_terminal() -> None:
    pipe = io.StringIO()  # not a terminal
    assert resolve_format("auto", environment="development", stream=pipe) == "json"
    assert resolve_format("console", environment="production", stream=pipe) == "console"


def test_traceparent_crosses_a_header_round_trip() -> None:
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("publish") as span:
        headers = dict(inject_traceparent({}))
        sent = span.get_span_context()
    assert headers["traceparent"].startswith("00-")
    received = get_current_span(extract_context(headers)).get_span_context()
    assert (received.trace_id, received.span_id) == (sent.trace_id, sent.span_id)
    assert not get_current_span(extract_context(None)).get_span_context().is_valid


def test_metric_names_follow_the_convention() -> None:
    assert metric_name("flow-engine", "executions_started", "total") == (
        "parley_flow_engine_executions_started_total"
    )
    with pytest.raises(ValueError, match="lower snake case"):
        metric_name("crm", "Bad-Name")


def test_service_metrics_expose_up_uptime_and_build_info() -> None:
    metrics = ServiceMetrics("ai-rag", "1.2.3", "host-1")
    metrics.up.set(1)
    text = metrics.render().decode()
    assert "parley_ai_rag_up 1.0" in text
    assert 'parley_ai_rag_build_info{instance="host-1",python=' in text
    assert 'version="1.2.3"' in text
    assert "parley_ai_rag_uptime_seconds " in text
