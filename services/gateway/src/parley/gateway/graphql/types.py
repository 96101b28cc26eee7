"""What the GraphQL API returns about flows, and the scalars every type module shares.

Hand-written types, each converted from its pydantic reply in one place (its `of`, or `detail`
for the detailed variant). A graph is a JSON value: its contract defines its shape.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NewType, TypedDict

import strawberry
from strawberry.scalars import JSON

from parley.contracts.flows import queries as fq
from parley.contracts.flows import requests as fr

ID = strawberry.ID
Long = NewType("Long", int)


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"Long cannot represent {value!r}: not a whole number")
    return value


# Given to the schema's `scalar_map`.
LONG = strawberry.scalar(
    name="Long",
    serialize=_whole,
    parse_value=_whole,
    description="A whole number beyond Int's 32 bits (stream sequences), as a JSON number.",
)


def json(model: Any) -> JSON:
    return JSON(model.model_dump(mode="json"))


class _FlowFields(TypedDict):
    flow_id: ID
    name: str
    archived: bool
    latest_version: int
    created_at: datetime
    updated_at: datetime
    duplicated_from: str | None
    has_unpublished_changes: bool


def _flow(flow: fq.FlowSummary | fq.FlowDetail) -> _FlowFields:
    return _FlowFields(
        flow_id=ID(flow.flow_id),
        name=flow.name,
        archived=flow.archived,
        latest_version=flow.latest_version,
        created_at=flow.created_at,
        updated_at=flow.updated_at,
        duplicated_from=flow.duplicated_from,
        has_unpublished_changes=flow.has_unpublished_changes,
    )


@strawberry.type
class FlowSummary:
    flow_id: ID
    name: str
    archived: bool
    latest_version: int = strawberry.field(description="0: never published")
    created_at: datetime
    updated_at: datetime
    duplicated_from: str | None
    has_unpublished_changes: bool = strawberry.field(description="the draft differs")

    @classmethod
    def of(cls, flow: fq.FlowSummary) -> FlowSummary:
        return cls(**_flow(flow))


@strawberry.type
class FlowDetail(FlowSummary):
    draft: JSON = strawberry.field(description="the draft graph (a FlowGraph)")

    @classmethod
    def detail(cls, flow: fq.FlowDetail) -> FlowDetail:
        return cls(**_flow(flow), draft=json(flow.draft))


@strawberry.type
class FlowPage:
    items: list[FlowSummary]
    next_cursor: str | None = strawberry.field(description="null on the last page")

    @classmethod
    def of(cls, page: fq.FlowPage) -> FlowPage:
        return cls(items=[FlowSummary.of(f) for f in page.items], next_cursor=page.next_cursor)


@strawberry.type
class FlowVersion:
    version: int
    note: str
    published_at: datetime

    @classmethod
    def of(cls, version: fq.FlowVersionSummary) -> FlowVersion:
        return cls(version=version.version, note=version.note, published_at=version.published_at)


@strawberry.type
class FlowVersionDetail(FlowVersion):
    graph: JSON

    @classmethod
    def detail(cls, version: fq.FlowVersionDetail) -> FlowVersionDetail:
        return cls(
            version=version.version,
            note=version.note,
            published_at=version.published_at,
            graph=json(version.graph),
        )


@strawberry.type
class FlowVersionPage:
    items: list[FlowVersion]
    next_cursor: str | None

    @classmethod
    def of(cls, page: fq.FlowVersionPage) -> FlowVersionPage:
        return cls(items=[FlowVersion.of(v) for v in page.items], next_cursor=page.next_cursor)


@strawberry.type
class FlowProblem:
    node_id: str | None = strawberry.field(description="null: the flow as a whole")
    field: str
    rule: str
    severity: str = strawberry.field(description="error or warning")


@strawberry.type
class FlowChangeResult:
    ok: bool
    flow_id: ID
    code: str
    message: str
    problems: list[FlowProblem]
    events: list[str] = strawberry.field(description="wire names of what was recorded")
    latest_version: int

    @classmethod
    def of(cls, result: fr.FlowChangeResult) -> FlowChangeResult:
        return cls(
            ok=result.ok,
            flow_id=ID(result.flow_id),
            code=result.code,
            message=result.message,
            problems=[
                FlowProblem(node_id=p.node_id, field=p.field, rule=p.rule, severity=p.severity)
                for p in result.problems
            ],
            events=list(result.events),
            latest_version=result.latest_version,
        )
