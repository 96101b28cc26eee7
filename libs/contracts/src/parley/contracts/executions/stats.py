"""Execution counts of a workspace, for the dashboard, answered by the flow-engine from its
executions and flows read models on `parley.q.flow-engine.execution-stats`.

`active` is the state now (running or waiting); `started`, `completed` and `failed` count the
executions started since `since`, so a flow's completed / started is its conversion in the period.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from parley.contracts.messages import Query, Reply


class GetExecutionStats(Query, wire_name="exec.GetExecutionStats", version=1):
    since: AwareDatetime
    flow_limit: int = Field(default=20, ge=1, le=100)


class FlowExecutionStats(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    flow_id: str
    name: str  # "" when the flow is not (yet) in the flows read model
    started: int
    completed: int
    failed: int
    active: int


class ExecutionStats(Reply, wire_name="exec.ExecutionStats", version=1):
    """`flows`: those with an execution started in the period or active now, most started first
    (then most active, then flow id), at most `flow_limit`."""

    since: datetime
    active: int
    started: int
    completed: int
    failed: int
    waiting_handover: int  # waiting for a person to take over the conversation
    published_flows: int  # published and not archived, now
    flows: tuple[FlowExecutionStats, ...] = ()
