"""Segments: saved filters over contacts, evaluated by crm in Postgres, and their previews."""

from __future__ import annotations

from parley.contracts.crm.segment_queries import (
    ChangeSegment,
    GetSegment,
    ListSegments,
    PreviewSegment,
    SegmentChangeResult,
    SegmentPage,
    SegmentPreview,
    SegmentReply,
    SegmentView,
)
from parley.contracts.crm.segments import SegmentFilter
from parley.gateway.adapters.services import Services
from parley.gateway.application.crm_calls import ask_crm, checked, refused

_STATUS = {"SEGMENT_INVALID": 422, "SEGMENT_NOT_FOUND": 404}


class Segments:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def list(self, workspace_id: str, *, limit: int, cursor: str) -> SegmentPage:
        query = checked(ListSegments, limit=limit, cursor=cursor)
        return await ask_crm(
            self._services, workspace_id, query, SegmentPage, what="segments", ident=""
        )

    async def get(self, workspace_id: str, segment_id: str) -> SegmentView:
        query = checked(GetSegment, segment_id=segment_id)
        found = await ask_crm(
            self._services, workspace_id, query, SegmentReply, what="segment", ident=segment_id
        )
        return found.segment

    async def save(
        self, workspace_id: str, segment_id: str, name: str, filter: SegmentFilter
    ) -> SegmentChangeResult:
        change = checked(
            ChangeSegment, action="save", segment_id=segment_id, name=name, filter=filter
        )
        return await self._change(workspace_id, change)

    async def delete(self, workspace_id: str, segment_id: str) -> SegmentChangeResult:
        return await self._change(
            workspace_id, checked(ChangeSegment, action="delete", segment_id=segment_id)
        )

    async def preview(
        self,
        workspace_id: str,
        *,
        filter: SegmentFilter | None = None,
        segment_id: str = "",
        sample: int = 10,
    ) -> SegmentPreview:
        """How many contacts match now, by consent, with a sample; of a filter or a saved one."""
        query = checked(PreviewSegment, filter=filter, segment_id=segment_id, sample=sample)
        return await ask_crm(
            self._services, workspace_id, query, SegmentPreview, what="segment", ident=segment_id
        )

    async def _change(self, workspace_id: str, change: ChangeSegment) -> SegmentChangeResult:
        result = await ask_crm(
            self._services,
            workspace_id,
            change,
            SegmentChangeResult,
            what="segment",
            ident=change.segment_id,
        )
        if result.ok:
            return result
        raise refused(
            result.code,
            result.message,
            ((p.field, p.rule) for p in result.problems),
            _STATUS,
            fallback=f"the segment {change.segment_id!r} was not changed",
        )
