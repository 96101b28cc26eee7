"""`/api/v1/workspaces/{workspace_id}/executions`: list and filter, detail, timeline, replay,
and the support operations (cancel, move, release a handover)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.executions.queries import (
    ExecutionDetail,
    ExecutionPage,
    ExecutionReplay,
    ExecutionStatus,
)
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import ExecutionsApi

router = APIRouter(prefix="/workspaces/{workspace_id}/executions", tags=["executions"])

Readers = Annotated[WorkspaceScope, Depends(require("executions:read"))]
Operators = Annotated[WorkspaceScope, Depends(require("executions:operate"))]
ExecutionId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")]


class Accepted(BaseModel):
    """The operation was sent to the execution; its events will show the outcome."""

    accepted: bool = True
    execution_id: str
    command_id: str


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=500)


class Move(BaseModel):
    model_config = ConfigDict(extra="forbid")
    node_id: str = Field(min_length=1, max_length=64)


@router.get("", summary="Executions, most recently started first")
async def list_executions(
    scope: Readers,
    executions: ExecutionsApi,
    flow_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: ExecutionStatus | None = None,
    contact_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str, Query(max_length=512)] = "",
) -> ExecutionPage:
    return await executions.list(
        scope.workspace_id,
        flow_id=flow_id,
        status=status,
        contact_id=contact_id,
        limit=limit,
        cursor=cursor,
    )


@router.get("/{execution_id}", summary="An execution with its steps")
async def get_execution(
    scope: Readers, executions: ExecutionsApi, execution_id: ExecutionId
) -> ExecutionDetail:
    return await executions.get(scope.workspace_id, execution_id)


@router.get("/{execution_id}/timeline", summary="The execution's timeline, read from its log")
async def get_timeline(
    scope: Readers, executions: ExecutionsApi, execution_id: ExecutionId
) -> ExecutionReplay:
    return await executions.replay(scope.workspace_id, execution_id)


@router.get(
    "/{execution_id}/replay",
    summary="Replay: the state after event `at`, or what version `against_version` would do",
)
async def replay_execution(
    scope: Readers,
    executions: ExecutionsApi,
    execution_id: ExecutionId,
    at: Annotated[int | None, Query(ge=0)] = None,
    against_version: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> ExecutionReplay:
    return await executions.replay(
        scope.workspace_id, execution_id, at=at, against_version=against_version
    )


@router.post("/{execution_id}/cancel", status_code=202, summary="Cancel a running execution")
async def cancel_execution(
    scope: Operators, executions: ExecutionsApi, execution_id: ExecutionId, body: Cancellation
) -> Accepted:
    command_id = await executions.cancel(scope.workspace_id, execution_id, body.reason, scope.actor)
    return Accepted(execution_id=execution_id, command_id=command_id)


@router.post("/{execution_id}/move", status_code=202, summary="Move an execution to a node")
async def move_execution(
    scope: Operators, executions: ExecutionsApi, execution_id: ExecutionId, body: Move
) -> Accepted:
    command_id = await executions.move(scope.workspace_id, execution_id, body.node_id, scope.actor)
    return Accepted(execution_id=execution_id, command_id=command_id)


@router.post(
    "/{execution_id}/release-handover",
    status_code=202,
    summary="Hand the conversation back to the bot after a person took it",
)
async def release_handover(
    scope: Operators, executions: ExecutionsApi, execution_id: ExecutionId
) -> Accepted:
    command_id = await executions.release_handover(scope.workspace_id, execution_id, scope.actor)
    return Accepted(execution_id=execution_id, command_id=command_id)
