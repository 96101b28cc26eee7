"""`/api/v1/workspaces/{workspace_id}/dashboard`: the workspace's figures of the last `hours`
clock hours (messages, executions, flows, numbers) and what needs attention."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import Context
from parley.gateway.application.dashboard import MAX_HOURS, Dashboard, Dashboards

router = APIRouter(prefix="/workspaces/{workspace_id}", tags=["dashboard"])

Readers = Annotated[WorkspaceScope, Depends(require("analytics:read"))]


def dashboards_of(context: Context) -> Dashboards:
    return Dashboards(context.services)


DashboardsApi = Annotated[Dashboards, Depends(dashboards_of)]


@router.get("/dashboard", summary="Figures of the last hours and what needs attention")
async def get_dashboard(
    scope: Readers,
    dashboards: DashboardsApi,
    hours: Annotated[
        int, Query(ge=1, le=MAX_HOURS, description="the period: this many clock hours, to now")
    ] = 24,
) -> Dashboard:
    return await dashboards.get(scope.workspace_id, hours)
