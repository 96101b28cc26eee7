"""Commands of the flow aggregate, sent on `flow.cmd.<workspace>.<flow_id>`."""

from __future__ import annotations

from pydantic import Field

from parley.contracts.flows.events import FlowName
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Command


class CreateFlow(Command, wire_name="flow.CreateFlow", version=1):
    flow_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = FlowName
    graph: FlowGraph = FlowGraph()


class UpdateFlowDraft(Command, wire_name="flow.UpdateFlowDraft", version=1):
    graph: FlowGraph


class RenameFlow(Command, wire_name="flow.RenameFlow", version=1):
    name: str = FlowName


class PublishFlow(Command, wire_name="flow.PublishFlow", version=1):
    note: str = Field(default="", max_length=500)


class ArchiveFlow(Command, wire_name="flow.ArchiveFlow", version=1):
    """Stop new executions from starting; running ones finish on their version."""


class UnarchiveFlow(Command, wire_name="flow.UnarchiveFlow", version=1):
    """Make an archived flow editable and startable again."""


class DuplicateFlow(Command, wire_name="flow.DuplicateFlow", version=1):
    """Copy the source flow's draft into a new flow (`new_flow_id`), unpublished."""

    new_flow_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = FlowName
