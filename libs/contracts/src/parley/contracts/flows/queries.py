"""Reading flows over NATS request/reply, on `parley.q.flow-engine.<name>`: list-flows, get-flow,
list-flow-versions, get-flow-version. Answered from the flows read model, which may lag a change
by a moment.

Lists are pages: `next_cursor` is opaque, handed back as `cursor` for the next page, and None on
the last one.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Query, Reply

FlowIdField = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
LimitField = Field(default=25, ge=1, le=100)
CursorField = Field(default="", max_length=512)


class _FlowFields(BaseModel):
    """A flow as listed; shared by FlowSummary and FlowDetail so both stay flat on the wire."""

    flow_id: str
    name: str
    archived: bool
    latest_version: int  # 0: never published
    created_at: datetime
    updated_at: datetime
    duplicated_from: str | None = None
    has_unpublished_changes: bool  # the draft differs from the latest version (or none exists)


class FlowSummary(_FlowFields):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ListFlows(Query, wire_name="flow.ListFlows", version=1):
    """A workspace's flows, most recently changed first."""

    archived: bool | None = False  # None: archived and active alike
    search: str = Field(default="", max_length=100)  # case-insensitive part of the name
    limit: int = LimitField
    cursor: str = CursorField


class FlowPage(Reply, wire_name="flow.FlowPage", version=1):
    items: tuple[FlowSummary, ...]
    next_cursor: str | None = None


class GetFlow(Query, wire_name="flow.GetFlow", version=1):
    flow_id: str = FlowIdField


class FlowDetail(Reply, _FlowFields, wire_name="flow.FlowDetail", version=1):
    draft: FlowGraph


class ListFlowVersions(Query, wire_name="flow.ListFlowVersions", version=1):
    """A flow's published versions, newest first."""

    flow_id: str = FlowIdField
    limit: int = LimitField
    cursor: str = CursorField


class FlowVersionSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: int
    note: str
    published_at: datetime


class FlowVersionPage(Reply, wire_name="flow.FlowVersionPage", version=1):
    items: tuple[FlowVersionSummary, ...]
    next_cursor: str | None = None


class GetFlowVersion(Query, wire_name="flow.GetFlowVersion", version=1):
    flow_id: str = FlowIdField
    version: int = Field(ge=1, le=2_147_483_647)  # the read model's column is a 32-bit integer


class FlowVersionDetail(Reply, wire_name="flow.FlowVersionDetail", version=1):
    version: int
    note: str
    published_at: datetime
    graph: FlowGraph
