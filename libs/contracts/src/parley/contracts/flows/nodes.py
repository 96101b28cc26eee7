"""Node types of a flow graph: a discriminated union on `type`.

Fields a user fills in have empty defaults, because a draft is work in progress and must be
storable while incomplete; `parley.flow_engine.domain.validation` reports what is still missing,
and publishing refuses until nothing is. Structural limits (lengths, counts) hold even in drafts.
Each node names its output ports; edges leave from a named port.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.contracts.flows.messages import MessageContent, TextContent

NodeId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
VariableName = Annotated[str, Field(max_length=64, pattern=r"^([a-z_][a-z0-9_]*)?$")]

MAX_DELAY_SECONDS = 30 * 24 * 3600


class Position(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    x: float = 0
    y: float = 0


class _Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    id: NodeId
    label: str = Field(default="", max_length=80)
    position: Position = Position()

    def ports(self) -> tuple[str, ...]:
        return ("next",)

    def waits(self) -> bool:
        """Does the node pause the execution (so a cycle through it is not a busy loop)?"""
        return False


class SendMessageNode(_Node):
    type: Literal["send_message"] = "send_message"
    message: MessageContent = TextContent()


class ConditionNode(_Node):
    type: Literal["condition"] = "condition"
    expression: str = Field(default="", max_length=2000)

    def ports(self) -> tuple[str, ...]:
        return ("true", "false")


class SetVariableNode(_Node):
    type: Literal["set_variable"] = "set_variable"
    variable: VariableName = ""
    expression: str = Field(default="", max_length=2000)  # evaluated; a string literal for text


class ReplyValidation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["none", "number", "email", "phone", "option"] = "none"
    options: tuple[str, ...] = Field(default=(), max_length=20)  # for kind=option
    reprompt: str = Field(default="", max_length=1024)
    max_reprompts: int = Field(default=2, ge=0, le=10)


class WaitForReplyNode(_Node):
    type: Literal["wait_for_reply"] = "wait_for_reply"
    timeout_seconds: int = Field(default=24 * 3600, ge=10, le=MAX_DELAY_SECONDS)
    save_to: VariableName = ""
    validation: ReplyValidation = ReplyValidation()

    def ports(self) -> tuple[str, ...]:
        return ("reply", "timeout", "invalid")

    def waits(self) -> bool:
        return True


class DelayNode(_Node):
    """Wait a duration, or until a time of day in the contact's time zone."""

    type: Literal["delay"] = "delay"
    seconds: int | None = Field(default=None, ge=1, le=MAX_DELAY_SECONDS)
    until_time_of_day: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @model_validator(mode="after")
    def _one_mode(self) -> DelayNode:
        if self.seconds is not None and self.until_time_of_day is not None:
            raise ValueError("set either seconds or until_time_of_day, not both")
        return self

    def waits(self) -> bool:
        return True


class AiAnswerNode(_Node):
    type: Literal["ai_answer"] = "ai_answer"
    question: str = Field(default="{{reply.text}}", max_length=2000)
    knowledge_base_id: str = Field(default="", max_length=64)
    save_to: VariableName = ""
    # ai-rag may be busy or down: an attempt unanswered after this long fails and is retried.
    timeout_seconds: float = Field(default=20, gt=0, le=120)
    max_attempts: int = Field(default=3, ge=1, le=10)

    def ports(self) -> tuple[str, ...]:
        return ("answered", "no_answer", "error")


class HttpRequestNode(_Node):
    type: Literal["http_request"] = "http_request"
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    url: str = Field(default="", max_length=2048)
    headers: dict[str, str] = Field(default_factory=dict, max_length=30)
    body: str = Field(default="", max_length=20_000)  # JSON text with {{ }} interpolation
    timeout_seconds: float = Field(default=10, gt=0, le=30)
    # Attempts in all: a timeout, a connection error, a 429 or a 5xx is tried again after an
    # exponential, jittered backoff; any other answer is final.
    max_attempts: int = Field(default=3, ge=1, le=10)
    # variable name -> dotted path into the JSON response, e.g. {"order_status": "data.status"}
    response_mapping: dict[str, str] = Field(default_factory=dict, max_length=30)

    def ports(self) -> tuple[str, ...]:
        return ("success", "error")


class UpdateContactNode(_Node):
    type: Literal["update_contact"] = "update_contact"
    add_tags: tuple[str, ...] = Field(default=(), max_length=20)
    remove_tags: tuple[str, ...] = Field(default=(), max_length=20)
    set_fields: dict[str, str] = Field(default_factory=dict, max_length=30)  # values interpolate


class HandoverNode(_Node):
    """Pause automation for the contact until an agent releases it; then continue at `released`."""

    type: Literal["handover"] = "handover"
    note: str = Field(default="", max_length=500)

    def ports(self) -> tuple[str, ...]:
        return ("released",)

    def waits(self) -> bool:
        return True


class SplitBranch(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    port: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    weight: int = Field(ge=0, le=100)


class AbSplitNode(_Node):
    type: Literal["ab_split"] = "ab_split"
    branches: tuple[SplitBranch, ...] = Field(
        default=(SplitBranch(port="a", weight=50), SplitBranch(port="b", weight=50)),
        min_length=2,
        max_length=5,
    )

    @model_validator(mode="after")
    def _branches(self) -> AbSplitNode:
        ports = [b.port for b in self.branches]
        if len(set(ports)) != len(ports):
            raise ValueError("branch ports must be unique")
        if sum(b.weight for b in self.branches) == 0:
            raise ValueError("at least one branch needs a weight above 0")
        return self

    def ports(self) -> tuple[str, ...]:
        return tuple(b.port for b in self.branches)


class JumpNode(_Node):
    """Continue at another node of this flow, or start another flow for the contact."""

    type: Literal["jump"] = "jump"
    target_node: str = Field(default="", max_length=64)
    target_flow: str = Field(default="", max_length=64)

    def ports(self) -> tuple[str, ...]:
        return ()


class EndNode(_Node):
    type: Literal["end"] = "end"

    def ports(self) -> tuple[str, ...]:
        return ()


Node = Annotated[
    SendMessageNode
    | ConditionNode
    | SetVariableNode
    | WaitForReplyNode
    | DelayNode
    | AiAnswerNode
    | HttpRequestNode
    | UpdateContactNode
    | HandoverNode
    | AbSplitNode
    | JumpNode
    | EndNode,
    Field(discriminator="type"),
]
