"""Changing a flow over NATS request/reply, on `parley.q.flow-engine.change-flow`.

The gateway (and the CLI) need an answer, not fire-and-forget: whether the change was taken and,
if not, every problem with its node, field and rule, so the builder can point at them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.messages import Query, Reply

FlowAction = Literal[
    "create",
    "update_draft",
    "rename",
    "publish",
    "archive",
    "unarchive",
    "duplicate",
    "validate",
]


class FlowProblem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    node_id: str | None = None  # None: the flow as a whole (or the request)
    field: str
    rule: str
    severity: Literal["error", "warning"] = "error"


class ChangeFlow(Query, wire_name="flow.ChangeFlow", version=1):
    """`payload` holds the action's fields: create {flow_id, name, graph}, update_draft {graph},
    rename {name}, publish {note}, duplicate {new_flow_id, name}; validate checks the stored
    draft, or `graph` when given, and changes nothing."""

    flow_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    action: FlowAction
    payload: dict[str, Any] = Field(default_factory=dict)


class FlowChangeResult(Reply, wire_name="flow.FlowChangeResult", version=1):
    ok: bool
    flow_id: str
    code: str = ""  # why not, when not ok: FLOW_EXISTS, FLOW_NOT_FOUND, FLOW_INVALID, ...
    message: str = ""
    problems: tuple[FlowProblem, ...] = ()
    events: tuple[str, ...] = ()  # the wire names of what was recorded (none: nothing changed)
    latest_version: int = 0
