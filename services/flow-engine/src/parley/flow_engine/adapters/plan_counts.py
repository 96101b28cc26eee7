"""How many of the things a plan limits exist now in a workspace, counted from the read models.

The plan's standing limits (`published_flows`, `active_campaigns`) are checked when one more is
asked for. The thing being changed is left out of its own count, so asking again for what
already counts (a new version of a published flow, a scheduled campaign launched by hand) is
never refused for being over the limit it is already within.

The read models follow the logs by a few milliseconds: two requests for one more, a moment
apart, may both see the older count. A plan limit is a commercial boundary, not an invariant,
so that is accepted rather than paid for with a lock across aggregates.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


class PlanCounts:
    def __init__(self, engine: AsyncEngine, schema: str) -> None:
        self._engine = engine
        self._flows = f'"{schema}".flows'
        self._campaigns = f'"{schema}".campaigns'

    async def published_flows(self, workspace_id: str, *, besides: str) -> int:
        """Published, non-archived flows of the workspace other than `besides`."""
        async with self._engine.connect() as conn:
            found = await conn.scalar(
                text(
                    f"SELECT count(*) FROM {self._flows} WHERE workspace_id = :ws"
                    " AND latest_version > 0 AND NOT archived AND flow_id <> :flow"
                ),
                {"ws": workspace_id, "flow": besides},
            )
        return int(found or 0)

    async def active_campaigns(self, workspace_id: str, *, besides: str) -> int:
        """Scheduled, running or paused campaigns of the workspace other than `besides`."""
        async with self._engine.connect() as conn:
            found = await conn.scalar(
                text(
                    f"SELECT count(*) FROM {self._campaigns} WHERE workspace_id = :ws"
                    " AND status IN ('scheduled', 'running', 'paused') AND campaign_id <> :cid"
                ),
                {"ws": workspace_id, "cid": besides},
            )
        return int(found or 0)
