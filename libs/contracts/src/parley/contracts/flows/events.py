"""Events of the flow aggregate, on `flow.evt.<workspace>.<flow_id>`."""

from __future__ import annotations

from pydantic import Field

from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Event

FlowName = Field(min_length=1, max_length=120)


class FlowCreated(Event, wire_name="flow.FlowCreated", version=1):
    flow_id: str
    name: str = FlowName
    graph: FlowGraph = FlowGraph()
    duplicated_from: str | None = None


class FlowDraftUpdated(Event, wire_name="flow.FlowDraftUpdated", version=1):
    """The whole draft graph as saved by the builder (autosave sends it often, so it is whole)."""

    graph: FlowGraph


class FlowRenamed(Event, wire_name="flow.FlowRenamed", version=1):
    name: str = FlowName


class FlowPublished(Event, wire_name="flow.FlowPublished", version=1):
    """An immutable version: executions started on it keep running it, whatever comes later."""

    version: int = Field(ge=1)
    graph: FlowGraph
    note: str = Field(default="", max_length=500)


class FlowArchived(Event, wire_name="flow.FlowArchived", version=1):
    """No new executions start; running ones finish on their version."""


class FlowUnarchived(Event, wire_name="flow.FlowUnarchived", version=1):
    """The flow can be edited and started again."""
