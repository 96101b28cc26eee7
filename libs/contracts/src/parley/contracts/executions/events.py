"""Events of an execution, on `exec.evt.<workspace>.<execution_id>`.

The log is self-contained: ExecutionStarted carries the flow version's graph and a snapshot of the
contact, and every non-deterministic input (the clock, a reply, a timer, an HTTP or AI answer)
is recorded as an event, so replaying the log reproduces the run without asking anyone anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Event

JsonValue = Any  # what a flow variable may hold: text, number, boolean, date (ISO text) or null


class ContactSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    contact_id: str
    name: str = ""
    phone: str = ""
    language: str = ""
    time_zone: str = "UTC"
    fields: dict[str, str] = Field(default_factory=dict)
    tags: tuple[str, ...] = ()


class ExecutionStarted(Event, wire_name="exec.ExecutionStarted", version=1):
    execution_id: str
    flow_id: str
    flow_version: int = Field(ge=1)
    graph: FlowGraph
    contact: ContactSnapshot
    trigger: str
    variables: dict[str, JsonValue] = Field(default_factory=dict)
    # The message that started the run ({"text", "button_id"}), so the first nodes can use
    # {{reply.text}} (an AI answer to the question that triggered the flow, say).
    reply: dict[str, str] = Field(default_factory=dict)
    at: datetime


class NodeEntered(Event, wire_name="exec.NodeEntered", version=1):
    node_id: str
    step: int = Field(ge=1)
    at: datetime


class MessageSendRequested(Event, wire_name="exec.MessageSendRequested", version=1):
    """The SendMessage command left with this id; a redelivered decision reuses it."""

    node_id: str
    command_id: str
    contact_id: str  # the recipient, so the command can leave without reading anything else
    message: dict[str, JsonValue]  # the node's content with every {{ }} rendered


class ConditionEvaluated(Event, wire_name="exec.ConditionEvaluated", version=1):
    node_id: str
    result: bool


class VariableAssigned(Event, wire_name="exec.VariableAssigned", version=1):
    node_id: str
    name: str
    value: JsonValue


class ContactUpdateRequested(Event, wire_name="exec.ContactUpdateRequested", version=1):
    node_id: str
    command_id: str
    contact_id: str = ""  # the contact to update, so the command leaves without a lookup
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    set_fields: dict[str, str] = Field(default_factory=dict)


class BranchChosen(Event, wire_name="exec.BranchChosen", version=1):
    """A/B split: `bucket` in [0, total weight) decided the port; sticky for the contact."""

    node_id: str
    port: str
    bucket: int = Field(ge=0)


class WaitingForReply(Event, wire_name="exec.WaitingForReply", version=1):
    node_id: str
    timer_id: str
    timeout_at: datetime


class ReplyAccepted(Event, wire_name="exec.ReplyAccepted", version=1):
    node_id: str
    text: str
    button_id: str = ""
    at: datetime


class ReplyRejected(Event, wire_name="exec.ReplyRejected", version=1):
    node_id: str
    text: str
    reason: str
    attempt: int = Field(ge=1)
    at: datetime


class DelayStarted(Event, wire_name="exec.DelayStarted", version=1):
    node_id: str
    timer_id: str
    until: datetime


class TimerElapsed(Event, wire_name="exec.TimerElapsed", version=1):
    timer_id: str
    at: datetime


class HandoverStarted(Event, wire_name="exec.HandoverStarted", version=1):
    node_id: str
    note: str = ""


class HandoverReleased(Event, wire_name="exec.HandoverReleased", version=1):
    by: str = ""
    at: datetime


class ExternalCallRequested(Event, wire_name="exec.ExternalCallRequested", version=1):
    """An HTTP request or an AI question left; the answer comes back as ExternalCallAnswered."""

    node_id: str
    request_id: str
    call: Literal["http", "ai"]
    request: dict[str, JsonValue]
    attempt: int = Field(default=1, ge=1)
    # When this attempt counts as unanswered (AI calls; an HTTP call has its own timeout).
    timeout_at: datetime | None = None


class ExternalCallFailed(Event, wire_name="exec.ExternalCallFailed", version=1):
    """An attempt failed in a way worth retrying; the next one starts when `retry_timer_id`
    fires at `retry_at` (exponential backoff with jitter)."""

    node_id: str
    request_id: str
    attempt: int = Field(ge=1)
    error: str
    timed_out: bool = False  # no answer came before the attempt's deadline
    retry_timer_id: str
    retry_at: datetime
    at: datetime


class ExternalCallAnswered(Event, wire_name="exec.ExternalCallAnswered", version=1):
    request_id: str
    port: str
    result: dict[str, JsonValue] = Field(default_factory=dict)
    at: datetime


class MessageStatusRecorded(Event, wire_name="exec.MessageStatusRecorded", version=1):
    """Messaging's word on a message this execution sent; statuses only move forward."""

    command_id: str
    status: Literal["sent", "delivered", "read", "failed"]
    provider_message_id: str = ""
    code: str = ""
    reason: str = ""
    at: datetime


class FlowJumpRequested(Event, wire_name="exec.FlowJumpRequested", version=1):
    """The execution ends here and the target flow's latest published version starts for the
    contact, as it is now (tags and fields updated by this run included)."""

    node_id: str
    target_flow: str
    contact: ContactSnapshot | None = None


class MovedToNode(Event, wire_name="exec.MovedToNode", version=1):
    node_id: str
    by: str = ""
    at: datetime


class ExecutionCompleted(Event, wire_name="exec.ExecutionCompleted", version=1):
    node_id: str
    at: datetime


class ExecutionFailed(Event, wire_name="exec.ExecutionFailed", version=1):
    node_id: str
    reason: str
    at: datetime


class ExecutionCancelled(Event, wire_name="exec.ExecutionCancelled", version=1):
    reason: str = ""
    by: str = ""
    at: datetime
