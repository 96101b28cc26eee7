"""Queries about executions, answered by the flow-engine over NATS request/reply."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.messages import Query, Reply


class InspectContact(Query, wire_name="exec.InspectContact", version=1):
    """Where is this contact in our flows right now? (Support's first question.)"""

    contact_id: str = Field(min_length=1, max_length=128)
    include_finished: int = Field(default=0, ge=0, le=50)  # also the N most recent finished runs


class _ExecutionFields(BaseModel):
    """An execution as listed; shared by ExecutionSummary and ExecutionDetail so both stay flat."""

    execution_id: str
    flow_id: str
    flow_version: int
    status: str  # running, waiting, completed, failed or cancelled
    current_node: str
    waiting_for: str | None
    waiting_since: datetime | None
    started_at: datetime
    ended_at: datetime | None
    failure_reason: str | None
    contact_id: str = ""
    trigger: str = ""


class ExecutionSummary(_ExecutionFields):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ContactInspection(Reply, wire_name="exec.ContactInspection", version=1):
    contact_id: str
    active: tuple[ExecutionSummary, ...]  # running or waiting, oldest first
    recent: tuple[ExecutionSummary, ...] = ()  # finished, newest first


class GetExecutionReplay(Query, wire_name="exec.GetExecutionReplay", version=1):
    """An execution's timeline; with `at`, its state after event N; with `against_version`, what
    that published version would have done with the same recorded inputs."""

    execution_id: str = Field(min_length=1, max_length=128)
    at: int | None = Field(default=None, ge=0)
    against_version: int | None = Field(default=None, ge=1, le=2_147_483_647)


class TimelineStep(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    index: int
    event: str
    node_id: str | None
    at: datetime | None
    detail: dict[str, Any]


class StateSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    after_event: int
    status: str
    node_id: str
    step: int
    waiting_for: str | None
    variables: dict[str, Any]


class DivergenceReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: int
    recorded_path: tuple[str, ...]
    replayed_path: tuple[str, ...]
    diverges_at: int | None  # the first differing step; None when the paths are the same
    recorded_status: str
    replayed_status: str


class ExecutionReplay(Reply, wire_name="exec.ExecutionReplay", version=1):
    execution_id: str
    flow_id: str
    flow_version: int
    steps: tuple[TimelineStep, ...]
    state: StateSummary | None = None
    divergence: DivergenceReport | None = None


ExecutionStatus = Literal["running", "waiting", "completed", "failed", "cancelled"]
LimitField = Field(default=25, ge=1, le=100)
CursorField = Field(default="", max_length=512)
MAX_STEPS = 500  # GetExecution returns at most this many steps, the first ones


class ListExecutions(Query, wire_name="exec.ListExecutions", version=1):
    """A workspace's executions, most recently started first; every filter is optional."""

    flow_id: str | None = Field(default=None, min_length=1, max_length=64)
    status: ExecutionStatus | None = None
    contact_id: str | None = Field(default=None, min_length=1, max_length=128)
    limit: int = LimitField
    cursor: str = CursorField  # next_cursor of the previous page, with the same filters


class ExecutionPage(Reply, wire_name="exec.ExecutionPage", version=1):
    items: tuple[ExecutionSummary, ...]
    next_cursor: str | None = None  # None: this is the last page


class GetExecution(Query, wire_name="exec.GetExecution", version=1):
    execution_id: str = Field(min_length=1, max_length=128)


class ExecutionStep(BaseModel):
    """One event of the execution's log, as the read model keeps it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    sequence: int  # the stream sequence of its message
    position: int  # its place among the events of that message (one decision)
    event_type: str  # the wire name
    node_id: str | None
    at: datetime
    detail: dict[str, Any]  # the event's fields, without the graph


class ExecutionDetail(Reply, _ExecutionFields, wire_name="exec.ExecutionDetail", version=1):
    steps: tuple[ExecutionStep, ...]  # in log order, the first MAX_STEPS
    steps_truncated: bool = False  # more steps exist than were returned
