"""What the GraphQL API returns about executions: listed, in detail with their steps, their
timeline replayed from the log, and a support operation accepted.

Each type is converted from its pydantic reply in one place (its `of`, or `detail`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

import strawberry
from strawberry.scalars import JSON

from parley.contracts.executions import queries as ex
from parley.gateway.graphql.types import ID, Long


class _ExecutionFields(TypedDict):
    execution_id: ID
    flow_id: ID
    flow_version: int
    status: str
    current_node: str
    waiting_for: str | None
    waiting_since: datetime | None
    started_at: datetime
    ended_at: datetime | None
    failure_reason: str | None
    contact_id: str
    trigger: str


def _execution(execution: ex.ExecutionSummary | ex.ExecutionDetail) -> _ExecutionFields:
    return _ExecutionFields(
        execution_id=ID(execution.execution_id),
        flow_id=ID(execution.flow_id),
        flow_version=execution.flow_version,
        status=execution.status,
        current_node=execution.current_node,
        waiting_for=execution.waiting_for,
        waiting_since=execution.waiting_since,
        started_at=execution.started_at,
        ended_at=execution.ended_at,
        failure_reason=execution.failure_reason,
        contact_id=execution.contact_id,
        trigger=execution.trigger,
    )


@strawberry.type
class Execution:
    execution_id: ID
    flow_id: ID
    flow_version: int
    status: str = strawberry.field(description="running, waiting, completed, failed, cancelled")
    current_node: str
    waiting_for: str | None
    waiting_since: datetime | None
    started_at: datetime
    ended_at: datetime | None
    failure_reason: str | None
    contact_id: str
    trigger: str

    @classmethod
    def of(cls, execution: ex.ExecutionSummary) -> Execution:
        return cls(**_execution(execution))


@strawberry.type
class ExecutionStep:
    sequence: Long = strawberry.field(description="the stream sequence of its message")
    position: int = strawberry.field(description="its place among that message's events")
    event_type: str
    node_id: str | None
    at: datetime
    detail: JSON


@strawberry.type
class ExecutionDetail(Execution):
    steps: list[ExecutionStep] = strawberry.field(description="in log order, the first 500")
    steps_truncated: bool

    @classmethod
    def detail(cls, execution: ex.ExecutionDetail) -> ExecutionDetail:
        steps = [
            ExecutionStep(
                sequence=Long(s.sequence),
                position=s.position,
                event_type=s.event_type,
                node_id=s.node_id,
                at=s.at,
                detail=JSON(s.detail),
            )
            for s in execution.steps
        ]
        return cls(**_execution(execution), steps=steps, steps_truncated=execution.steps_truncated)


@strawberry.type
class ExecutionPage:
    items: list[Execution]
    next_cursor: str | None = strawberry.field(description="null on the last page")

    @classmethod
    def of(cls, page: ex.ExecutionPage) -> ExecutionPage:
        return cls(items=[Execution.of(e) for e in page.items], next_cursor=page.next_cursor)


@strawberry.type
class TimelineStep:
    index: int
    event: str
    node_id: str | None
    at: datetime | None
    detail: JSON


@strawberry.type
class ExecutionState:
    """The state after event `afterEvent` (asked with `at`)."""

    after_event: int
    status: str
    node_id: str
    step: int
    waiting_for: str | None
    variables: JSON


@strawberry.type
class Divergence:
    """What another published version would have done with the same recorded inputs."""

    version: int
    recorded_path: list[str]
    replayed_path: list[str]
    diverges_at: int | None = strawberry.field(description="null: the paths are the same")
    recorded_status: str
    replayed_status: str


@strawberry.type
class ExecutionTimeline:
    execution_id: ID
    flow_id: ID
    flow_version: int
    steps: list[TimelineStep]
    state: ExecutionState | None
    divergence: Divergence | None

    @classmethod
    def of(cls, replay: ex.ExecutionReplay) -> ExecutionTimeline:
        state, divergence = replay.state, replay.divergence
        return cls(
            execution_id=ID(replay.execution_id),
            flow_id=ID(replay.flow_id),
            flow_version=replay.flow_version,
            steps=[
                TimelineStep(
                    index=s.index, event=s.event, node_id=s.node_id, at=s.at, detail=JSON(s.detail)
                )
                for s in replay.steps
            ],
            state=None
            if state is None
            else ExecutionState(
                after_event=state.after_event,
                status=state.status,
                node_id=state.node_id,
                step=state.step,
                waiting_for=state.waiting_for,
                variables=JSON(state.variables),
            ),
            divergence=None
            if divergence is None
            else Divergence(
                version=divergence.version,
                recorded_path=list(divergence.recorded_path),
                replayed_path=list(divergence.replayed_path),
                diverges_at=divergence.diverges_at,
                recorded_status=divergence.recorded_status,
                replayed_status=divergence.replayed_status,
            ),
        )


@strawberry.type
class CommandAccepted:
    """The operation was sent to the execution; its events will show the outcome."""

    accepted: bool
    execution_id: ID
    command_id: ID
