"""The pure parts of the CLI: subject plans, message lines, health summaries, tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from parley.contracts.envelope import Envelope
from parley.contracts.streams import CATALOG
from parley.contracts.system import HealthCheck, HealthReport
from parley.runtime.cli.health import all_ready, render_table, summarize
from parley.runtime.cli.output import duration, size, table
from parley.runtime.cli.roster import SERVICES, module_of
from parley.runtime.cli.tail import consumer_plan, covers, overlap, parse_since, render


@pytest.mark.parametrize(
    ("wide", "narrow", "expected"),
    [
        (">", "crm.>", True),
        ("crm.>", "crm.evt.ws.c1", True),
        ("crm.>", "crm", False),
        ("crm.evt.*.*", "crm.evt.ws.c1", True),
        ("crm.evt.*.*", "crm.>", False),
        ("crm.*", "crm.evt.ws", False),
        ("crm.evt.ws.c1", "crm.evt.ws.c1", True),
    ],
)
def test_covers(wide: str, narrow: str, expected: bool) -> None:
    assert covers(wide, narrow) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("*.evt.>", "crm.>", True),
        ("crm.evt.>", "billing.>", False),
        ("crm.*", "crm.evt.ws", False),
        ("crm.*.ws", "crm.evt.*", True),
    ],
)
def test_overlap(a: str, b: str, expected: bool) -> None:
    assert overlap(a, b) is expected


def test_default_filter_watches_every_catalog_subject_through_its_own_stream() -> None:
    plan = consumer_plan(">", CATALOG)
    assert ("FLOW_ENGINE", "exec.>") in plan
    assert len(plan) == sum(len(spec.all_subjects()) for spec in CATALOG)


def test_a_narrow_filter_only_opens_the_streams_it_touches() -> None:
    assert consumer_plan("crm.evt.ws1.*", CATALOG) == [("CRM", "crm.evt.ws1.*")]
    # A filter that only overlaps is passed as is, once per stream.
    assert consumer_plan("*.evt.>", CATALOG) == [(spec.name, "*.evt.>") for spec in CATALOG]
    assert consumer_plan("nothing.here", CATALOG) == []


def test_parse_since() -> None:
    assert parse_since("5m") == timedelta(minutes=5)
    assert parse_since("2h") == timedelta(hours=2)
    with pytest.raises(ValueError, match="not a duration"):
        parse_since("5 minutes")


def test_an_envelope_reads_as_time_subject_type_workspace_payload() -> None:
    envelope = Envelope(
        event_id=UUID("0190f5e2-0000-7000-8000-000000000001"),
        type="crm.ContactCreated",
        schema_version=1,
        occurred_at=datetime(2025, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        workspace_id="ws1",
        correlation_id=UUID("0190f5e2-0000-7000-8000-000000000001"),
        data={"name": "Ana", "tags": ["vip"]},
    )
    line = render("crm.evt.ws1.c1", envelope.to_bytes(), None)
    assert line == (
        '03:04:05.678  crm.evt.ws1.c1  crm.ContactCreated  ws=ws1  {"name":"Ana","tags":["vip"]}'
    )


def test_other_messages_read_raw_and_long_payloads_are_clipped() -> None:
    stored = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert render("usage.x", b'{"val":"1"}', stored) == '03:04:05.000  usage.x  (raw)  {"val":"1"}'
    assert render("ingress.x", b"y" * 500, None).endswith("y…")


def report(service: str, instance: str, *, ready: bool = True) -> HealthReport:
    return HealthReport(
        service=service,
        version="0.1.0",
        instance_id=instance,
        ready=ready,
        started_at=datetime.now(UTC),
        uptime_seconds=75,
        checks=(HealthCheck(name="nats", ok=ready, detail="connected" if ready else "down"),),
    )


def test_health_summary_marks_missing_services_down_and_needs_every_instance_ready() -> None:
    reports = [report(name, f"{name}-1") for name in SERVICES if name != "billing"]
    reports.append(report("crm", "crm-2", ready=False))
    summary = {s.service: s.status for s in summarize(reports)}
    assert summary["billing"] == "down"
    assert summary["crm"] == "not ready"
    assert summary["gateway"] == "ready"
    assert not all_ready(summarize(reports))
    assert all_ready(summarize([report(name, "i") for name in SERVICES]))


def test_health_table_shows_down_and_failing_checks() -> None:
    text = render_table(summarize([report("crm", "crm-1", ready=False)]))
    assert "crm          crm-1     0.1.0    NO     1m15s   nats: down" in text
    assert "billing      -         -        DOWN   -       no instance answered" in text


def test_table_duration_size_and_roster() -> None:
    assert table(["A", "BB"], [["xyz", "1"]]) == "A    BB\nxyz  1"
    assert [duration(s) for s in (5, 75, 3725, 200000)] == ["5s", "1m15s", "1h02m", "2d07h"]
    assert [size(n) for n in (10, 2048, 5 * 1024**3)] == ["10 B", "2.0 KiB", "5.0 GiB"]
    assert module_of("flow-engine") == "parley.flow_engine"
