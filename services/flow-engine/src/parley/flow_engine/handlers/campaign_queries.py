"""Answers `campaign.GetCampaign` and `campaign.ListCampaigns` from the read model, every read
scoped to the asking workspace."""

from __future__ import annotations

from parley.contracts.campaigns.queries import (
    CampaignPage,
    CampaignReply,
    GetCampaign,
    ListCampaigns,
)
from parley.flow_engine.adapters.campaign_views import CampaignViews, CursorInvalid
from parley.runtime.queries import QueryRefused


class CampaignQueries:
    def __init__(self, views: CampaignViews) -> None:
        self._views = views

    async def get_campaign(self, workspace_id: str, query: GetCampaign) -> CampaignReply:
        found = await self._views.get(workspace_id, query.campaign_id)
        if found is None:
            raise QueryRefused("404", f"no campaign {query.campaign_id!r}")
        return CampaignReply(campaign=found)

    async def list_campaigns(self, workspace_id: str, query: ListCampaigns) -> CampaignPage:
        try:
            items, next_cursor = await self._views.page(
                workspace_id, query.status, query.limit, query.cursor
            )
        except CursorInvalid as err:
            raise QueryRefused("400", str(err)) from None
        return CampaignPage(items=tuple(items), next_cursor=next_cursor)
