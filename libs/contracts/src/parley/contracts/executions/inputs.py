"""What can happen to an execution: the inputs its `decide` receives.

Each carries `at`, the engine's clock when the input arrived; the clock is never read inside the
domain, so the decision is a pure function of the log and the input.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Command


class StartExecution(Command, wire_name="exec.StartExecution", version=1):
    execution_id: str
    flow_id: str
    flow_version: int = Field(ge=1)
    graph: FlowGraph
    contact: ContactSnapshot
    trigger: str
    variables: dict[str, Any] = Field(default_factory=dict)
    reply: dict[str, str] = Field(default_factory=dict)  # the message that started it, if any
    at: datetime


class DeliverReply(Command, wire_name="exec.DeliverReply", version=1):
    text: str = Field(default="", max_length=4096)
    button_id: str = ""
    at: datetime


class DeliverTimer(Command, wire_name="exec.DeliverTimer", version=1):
    timer_id: str
    at: datetime


class DeliverExternalAnswer(Command, wire_name="exec.DeliverExternalAnswer", version=1):
    request_id: str
    ok: bool
    retryable: bool = False  # a failure worth another attempt (timeout, 429, 5xx, busy)
    result: dict[str, Any] = Field(default_factory=dict)
    at: datetime


class DeliverMessageStatus(Command, wire_name="exec.DeliverMessageStatus", version=1):
    """What messaging reported about a message the execution sent."""

    command_id: str
    status: Literal["sent", "delivered", "read", "failed"]
    provider_message_id: str = ""
    code: str = ""
    reason: str = ""
    at: datetime


class CancelExecution(Command, wire_name="exec.CancelExecution", version=1):
    reason: str = ""
    by: str = ""
    at: datetime


class MoveExecution(Command, wire_name="exec.MoveExecution", version=1):
    node_id: str
    by: str = ""
    at: datetime


class ReleaseHandover(Command, wire_name="exec.ReleaseHandover", version=1):
    by: str = ""
    at: datetime
