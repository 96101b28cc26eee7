"""A campaign's audience, as crm evaluates its segment: a count by consent, and the members a
page at a time in contact id order (parley.contracts.crm.segment_queries)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from nats.aio.client import Client as NatsClient

from parley.contracts.campaigns.campaigns import CampaignDefinition
from parley.contracts.crm.segment_queries import (
    PreviewSegment,
    SegmentMember,
    SegmentMemberPage,
    SegmentMembers,
    SegmentPreview,
)
from parley.flow_engine.adapters.service_queries import ask

PAGE = 2000  # the most crm gives in one page


class CrmAudience:
    def __init__(self, nc: NatsClient, timeout: float = 15.0) -> None:
        self._nc = nc
        self._timeout = timeout

    async def preview(
        self, workspace_id: str, definition: CampaignDefinition, now: datetime
    ) -> SegmentPreview:
        query = PreviewSegment(
            filter=definition.filter, segment_id=definition.segment_id, now=now, sample=0
        )
        return await ask(
            self._nc, "crm", "preview-segment", workspace_id, query, SegmentPreview,
            timeout=self._timeout,
        )  # fmt: skip

    async def pages(
        self, workspace_id: str, definition: CampaignDefinition, now: datetime
    ) -> AsyncIterator[tuple[SegmentMember, ...]]:
        """Every member, a page at a time; `now` fixes relative filters ("wrote in 7 days")."""
        after = ""
        while True:
            query = SegmentMembers(
                filter=definition.filter,
                segment_id=definition.segment_id,
                now=now,
                after=after,
                limit=PAGE,
            )
            page = await ask(
                self._nc, "crm", "segment-members", workspace_id, query, SegmentMemberPage,
                timeout=self._timeout,
            )  # fmt: skip
            if page.members:
                yield page.members
            if page.last is None:
                return
            after = page.last
