"""Queries about executions, answered by the flow-engine over NATS request/reply."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.messages import Query, Reply


class InspectContact(Query, wire_name="exec.InspectContact", version=1):
    """Where is this contact in our flows right now? (Support's first question.)"""

    contact_id: str = Field(min_length=1, max_length=128)
    include_finished: int = Field(default=0, ge=0, le=50)  # also the N most recent finished runs


class ExecutionSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    execution_id: str
    flow_id: str
    flow_version: int
    status: str
    current_node: str
    waiting_for: str | None
    waiting_since: datetime | None
    started_at: datetime
    ended_at: datetime | None
    failure_reason: str | None


class ContactInspection(Reply, wire_name="exec.ContactInspection", version=1):
    contact_id: str
    active: tuple[ExecutionSummary, ...]  # running or waiting, oldest first
    recent: tuple[ExecutionSummary, ...] = ()  # finished, newest first
