"""Contracts of the runtime itself: dead letters and service health."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from parley.contracts.messages import Event, Query, Reply


class MessageDeadLettered(Event, wire_name="runtime.MessageDeadLettered", version=1):
    """A message exhausted `max_deliver` on a consumer; the original bytes ride along."""

    stream: str
    consumer: str
    subject: str
    stream_sequence: int = Field(ge=1)
    deliveries: int = Field(ge=1)
    error: str
    original_headers: dict[str, str]
    original_data_b64: str


class HealthQuery(Query, wire_name="runtime.HealthQuery", version=1):
    """Asked of every service's `health` micro endpoint by `parley health`."""


class HealthCheck(Reply, wire_name="runtime.HealthCheck", version=1):
    name: str
    ok: bool
    detail: str = ""


class HealthReport(Reply, wire_name="runtime.HealthReport", version=1):
    service: str
    version: str
    instance_id: str
    ready: bool
    started_at: datetime
    uptime_seconds: float = Field(ge=0)
    checks: tuple[HealthCheck, ...] = ()
