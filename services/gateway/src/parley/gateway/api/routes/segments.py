"""`/api/v1/workspaces/{workspace_id}/segments`: saved filters over contacts, and previews
(how many match now, by consent, with a sample) of a saved one or of a filter not yet saved."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.crm.segment_queries import SegmentChangeResult, SegmentPage, SegmentPreview
from parley.contracts.crm.segment_queries import SegmentView as Segment
from parley.contracts.crm.segments import SegmentFilter
from parley.contracts.ids import new_id
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import SegmentsApi

router = APIRouter(prefix="/workspaces/{workspace_id}/segments", tags=["segments"])

Readers = Annotated[WorkspaceScope, Depends(require("contacts:read"))]
Writers = Annotated[WorkspaceScope, Depends(require("segments:write"))]
SegmentIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")]
Sample = Annotated[int, Query(ge=0, le=50, description="contact ids to show")]


class SegmentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100)
    filter: SegmentFilter


class PreviewInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filter: SegmentFilter
    sample: int = Field(default=10, ge=0, le=50)


@router.get("", summary="Saved segments")
async def list_segments(
    scope: Readers,
    segments: SegmentsApi,
    limit: Annotated[int, Query(ge=1, le=100, description="items per page")] = 25,
    cursor: Annotated[str, Query(max_length=512, description="the last page's next_cursor")] = "",
) -> SegmentPage:
    return await segments.list(scope.workspace_id, limit=limit, cursor=cursor)


@router.post("", status_code=201, summary="Save a new segment under a new id")
async def create_segment(
    scope: Writers, segments: SegmentsApi, body: SegmentInput
) -> SegmentChangeResult:
    segment_id = f"seg-{new_id().hex}"
    return await segments.save(scope.workspace_id, segment_id, body.name, body.filter)


@router.post("/preview", summary="How many contacts a filter matches now")
async def preview_filter(
    scope: Readers, segments: SegmentsApi, body: PreviewInput
) -> SegmentPreview:
    return await segments.preview(scope.workspace_id, filter=body.filter, sample=body.sample)


@router.get("/{segment_id}", summary="A saved segment")
async def get_segment(scope: Readers, segments: SegmentsApi, segment_id: SegmentIdPath) -> Segment:
    return await segments.get(scope.workspace_id, segment_id)


@router.put("/{segment_id}", summary="Save a segment (create it, or replace its name and filter)")
async def save_segment(
    scope: Writers, segments: SegmentsApi, segment_id: SegmentIdPath, body: SegmentInput
) -> SegmentChangeResult:
    return await segments.save(scope.workspace_id, segment_id, body.name, body.filter)


@router.delete("/{segment_id}", summary="Delete a segment")
async def delete_segment(
    scope: Writers, segments: SegmentsApi, segment_id: SegmentIdPath
) -> SegmentChangeResult:
    return await segments.delete(scope.workspace_id, segment_id)


@router.get("/{segment_id}/preview", summary="How many contacts a saved segment matches now")
async def preview_segment(
    scope: Readers, segments: SegmentsApi, segment_id: SegmentIdPath, sample: Sample = 10
) -> SegmentPreview:
    return await segments.preview(scope.workspace_id, segment_id=segment_id, sample=sample)
