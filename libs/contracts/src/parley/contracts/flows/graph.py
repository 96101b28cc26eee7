"""A flow's graph: nodes, edges from named output ports, declared variables, triggers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.contracts.flows.nodes import Node, NodeId


class Edge(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    source: NodeId
    port: str = Field(min_length=1, max_length=32)
    target: NodeId


class Variable(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")
    type: Literal["text", "number", "boolean", "date"] = "text"
    default: str | float | bool | None = None


class _Trigger(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    # Higher runs first when several flows match; an exclusive match stops lower ones.
    priority: int = Field(default=0, ge=-100, le=100)
    exclusive: bool = True


class KeywordTrigger(_Trigger):
    kind: Literal["keyword"] = "keyword"
    match: Literal["equals", "contains", "starts_with", "regex"] = "equals"
    keywords: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = Field(
        default=(), max_length=50
    )


class AnyInboundTrigger(_Trigger):
    kind: Literal["any_inbound"] = "any_inbound"


class FirstMessageTrigger(_Trigger):
    kind: Literal["first_message"] = "first_message"


class ButtonPayloadTrigger(_Trigger):
    kind: Literal["button_payload"] = "button_payload"
    payloads: tuple[Annotated[str, Field(min_length=1, max_length=256)], ...] = Field(
        default=(), max_length=50
    )


class TagAddedTrigger(_Trigger):
    kind: Literal["tag_added"] = "tag_added"
    tag: str = Field(default="", max_length=64)


class ApiTrigger(_Trigger):
    kind: Literal["api"] = "api"


class CampaignTrigger(_Trigger):
    kind: Literal["campaign"] = "campaign"


Trigger = Annotated[
    KeywordTrigger
    | AnyInboundTrigger
    | FirstMessageTrigger
    | ButtonPayloadTrigger
    | TagAddedTrigger
    | ApiTrigger
    | CampaignTrigger,
    Field(discriminator="kind"),
]

MAX_NODES = 500


class FlowGraph(BaseModel):
    """The editable definition. `entry` is the node a triggered execution starts at."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    entry: str = Field(default="", max_length=64)
    nodes: tuple[Node, ...] = Field(default=(), max_length=MAX_NODES)
    edges: tuple[Edge, ...] = Field(default=(), max_length=MAX_NODES * 5)
    variables: tuple[Variable, ...] = Field(default=(), max_length=200)
    triggers: tuple[Trigger, ...] = Field(default=(), max_length=20)

    @model_validator(mode="after")
    def _unique_ids(self) -> FlowGraph:
        ids = [node.id for node in self.nodes]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"node ids must be unique; repeated: {', '.join(duplicates)}")
        names = [v.name for v in self.variables]
        if len(set(names)) != len(names):
            raise ValueError("variable names must be unique")
        return self

    def node(self, node_id: str) -> Node | None:
        for node in self.nodes:
            if node.id == node_id:
                return node
        return None
