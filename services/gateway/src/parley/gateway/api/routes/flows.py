"""`/api/v1/workspaces/{workspace_id}/flows`: list, create, read, edit, validate, publish,
archive, duplicate, versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.flows.graph import FlowGraph
from parley.contracts.flows.queries import FlowDetail, FlowPage, FlowVersionDetail, FlowVersionPage
from parley.contracts.flows.requests import FlowChangeResult
from parley.contracts.ids import new_id
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import FlowsApi

router = APIRouter(prefix="/workspaces/{workspace_id}/flows", tags=["flows"])

Readers = Annotated[WorkspaceScope, Depends(require("flows:read"))]
Writers = Annotated[WorkspaceScope, Depends(require("flows:write"))]
FlowIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Limit = Annotated[int, Query(ge=1, le=100, description="items per page")]
Cursor = Annotated[str, Query(max_length=512, description="next_cursor of the previous page")]


class NewFlow(BaseModel):
    model_config = ConfigDict(extra="forbid")
    flow_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$"
    )
    name: str = Field(min_length=1, max_length=200)
    graph: FlowGraph | None = None  # an empty draft when not given


class DraftChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    graph: FlowGraph


class FlowRename(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)


class Publication(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=500)


class Duplication(BaseModel):
    model_config = ConfigDict(extra="forbid")
    new_flow_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$"
    )
    name: str = Field(min_length=1, max_length=200)


class Validation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    graph: FlowGraph | None = None  # the stored draft when not given


def _payload(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


@router.get("", summary="List flows, most recently changed first")
async def list_flows(
    scope: Readers,
    flows: FlowsApi,
    archived: Annotated[bool | None, Query(description="omit for active flows only")] = False,
    search: Annotated[str, Query(max_length=100)] = "",
    limit: Limit = 25,
    cursor: Cursor = "",
) -> FlowPage:
    return await flows.list(
        scope.workspace_id, archived=archived, search=search, limit=limit, cursor=cursor
    )


@router.post("", status_code=201, summary="Create a flow with a draft")
async def create_flow(scope: Writers, flows: FlowsApi, body: NewFlow) -> FlowChangeResult:
    flow_id = body.flow_id or f"flw_{new_id().hex[-12:]}"
    payload: dict[str, Any] = {"flow_id": flow_id, "name": body.name}
    if body.graph is not None:
        payload["graph"] = body.graph.model_dump(mode="json")
    return await flows.change(scope.workspace_id, flow_id, "create", payload)


@router.get("/{flow_id}", summary="A flow with its draft")
async def get_flow(scope: Readers, flows: FlowsApi, flow_id: FlowIdPath) -> FlowDetail:
    return await flows.get(scope.workspace_id, flow_id)


@router.put("/{flow_id}/draft", summary="Replace the draft")
async def update_draft(
    scope: Writers, flows: FlowsApi, flow_id: FlowIdPath, body: DraftChange
) -> FlowChangeResult:
    return await flows.change(scope.workspace_id, flow_id, "update_draft", _payload(body))


@router.patch("/{flow_id}", summary="Rename a flow")
async def rename_flow(
    scope: Writers, flows: FlowsApi, flow_id: FlowIdPath, body: FlowRename
) -> FlowChangeResult:
    return await flows.change(scope.workspace_id, flow_id, "rename", _payload(body))


@router.post("/{flow_id}/validate", summary="Every problem of the draft (or of a given graph)")
async def validate_flow(
    scope: Readers, flows: FlowsApi, flow_id: FlowIdPath, body: Validation
) -> FlowChangeResult:
    return await flows.change(
        scope.workspace_id, flow_id, "validate", _payload(body), allow_invalid=True
    )


@router.post("/{flow_id}/publish", summary="Publish the draft as the next version")
async def publish_flow(
    scope: Writers, flows: FlowsApi, flow_id: FlowIdPath, body: Publication
) -> FlowChangeResult:
    return await flows.change(scope.workspace_id, flow_id, "publish", _payload(body))


@router.post("/{flow_id}/archive", summary="Archive: no new executions start")
async def archive_flow(scope: Writers, flows: FlowsApi, flow_id: FlowIdPath) -> FlowChangeResult:
    return await flows.change(scope.workspace_id, flow_id, "archive")


@router.post("/{flow_id}/unarchive", summary="Bring an archived flow back")
async def unarchive_flow(scope: Writers, flows: FlowsApi, flow_id: FlowIdPath) -> FlowChangeResult:
    return await flows.change(scope.workspace_id, flow_id, "unarchive")


@router.post("/{flow_id}/duplicate", status_code=201, summary="Copy a flow's draft")
async def duplicate_flow(
    scope: Writers, flows: FlowsApi, flow_id: FlowIdPath, body: Duplication
) -> FlowChangeResult:
    new_flow_id = body.new_flow_id or f"flw_{new_id().hex[-12:]}"
    payload = {"new_flow_id": new_flow_id, "name": body.name}
    return await flows.change(scope.workspace_id, flow_id, "duplicate", payload)


@router.get("/{flow_id}/versions", summary="Published versions, newest first")
async def list_versions(
    scope: Readers, flows: FlowsApi, flow_id: FlowIdPath, limit: Limit = 25, cursor: Cursor = ""
) -> FlowVersionPage:
    return await flows.versions(scope.workspace_id, flow_id, limit=limit, cursor=cursor)


@router.get("/{flow_id}/versions/{version}", summary="One published version with its graph")
async def get_version(
    scope: Readers,
    flows: FlowsApi,
    flow_id: FlowIdPath,
    version: Annotated[int, Path(ge=1, le=2_147_483_647)],
) -> FlowVersionDetail:
    return await flows.version(scope.workspace_id, flow_id, version)
