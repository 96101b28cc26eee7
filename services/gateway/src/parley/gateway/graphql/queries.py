"""The reads: the caller, and a workspace's flows, executions, numbers and sandbox.

Each field asks the application layer exactly what its REST route asks, with the same
permission (`needs`); the contracts' queries check the arguments (limits, cursors, ids).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from parley.contracts.executions.queries import ExecutionStatus as Status
from parley.contracts.messaging.sandbox import SandboxConversation
from parley.gateway.api.routes.auth import user_of
from parley.gateway.graphql.context import SIGNED_IN, Info, field, needs
from parley.gateway.graphql.execution_types import (
    ExecutionDetail,
    ExecutionPage,
    ExecutionTimeline,
)
from parley.gateway.graphql.types import (
    ID,
    FlowDetail,
    FlowPage,
    FlowVersionDetail,
    FlowVersionPage,
)
from parley.gateway.graphql.workspace_types import (
    Channel,
    Me,
    NumberHealth,
    SandboxConversationPage,
)


@strawberry.enum
class ExecutionStatus(Enum):
    RUNNING = "running"
    WAITING = "waiting"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


_STATUS: dict[ExecutionStatus, Status] = {
    ExecutionStatus.RUNNING: "running",
    ExecutionStatus.WAITING: "waiting",
    ExecutionStatus.COMPLETED: "completed",
    ExecutionStatus.FAILED: "failed",
    ExecutionStatus.CANCELLED: "cancelled",
}


@strawberry.type
class Query:
    @field(description="The signed-in user and their workspaces.")
    @needs(SIGNED_IN)
    async def me(self, info: Info) -> Me:
        caller = await info.context.caller()
        return Me.of(await info.context.gateway.identity.identity.me(user_of(caller)))

    @field(description="Flows, most recently changed first.")
    @needs("flows:read")
    async def flows(
        self,
        info: Info,
        workspace_id: ID,
        archived: Annotated[
            bool | None, strawberry.argument(description="null: archived and active alike")
        ] = False,
        search: str = "",
        limit: int = 25,
        cursor: Annotated[str, strawberry.argument(description="the last page's nextCursor")] = "",
    ) -> FlowPage:
        flows = info.context.gateway.flows
        page = await flows.list(
            workspace_id, archived=archived, search=search, limit=limit, cursor=cursor
        )
        return FlowPage.of(page)

    @field(description="A flow with its draft.")
    @needs("flows:read")
    async def flow(self, info: Info, workspace_id: ID, flow_id: ID) -> FlowDetail:
        return FlowDetail.detail(await info.context.gateway.flows.get(workspace_id, flow_id))

    @field(description="A flow's published versions, newest first.")
    @needs("flows:read")
    async def flow_versions(
        self, info: Info, workspace_id: ID, flow_id: ID, limit: int = 25, cursor: str = ""
    ) -> FlowVersionPage:
        flows = info.context.gateway.flows
        page = await flows.versions(workspace_id, flow_id, limit=limit, cursor=cursor)
        return FlowVersionPage.of(page)

    @field(description="One published version with its graph.")
    @needs("flows:read")
    async def flow_version(
        self, info: Info, workspace_id: ID, flow_id: ID, version: int
    ) -> FlowVersionDetail:
        found = await info.context.gateway.flows.version(workspace_id, flow_id, version)
        return FlowVersionDetail.detail(found)

    @field(description="Executions, most recently started first.")
    @needs("executions:read")
    async def executions(
        self,
        info: Info,
        workspace_id: ID,
        flow_id: ID | None = None,
        status: ExecutionStatus | None = None,
        contact_id: ID | None = None,
        limit: int = 25,
        cursor: str = "",
    ) -> ExecutionPage:
        page = await info.context.gateway.executions.list(
            workspace_id,
            flow_id=flow_id,
            status=None if status is None else _STATUS[status],
            contact_id=contact_id,
            limit=limit,
            cursor=cursor,
        )
        return ExecutionPage.of(page)

    @field(description="An execution with its steps.")
    @needs("executions:read")
    async def execution(self, info: Info, workspace_id: ID, execution_id: ID) -> ExecutionDetail:
        found = await info.context.gateway.executions.get(workspace_id, execution_id)
        return ExecutionDetail.detail(found)

    @field(
        description="The timeline read from the execution's log; with `at`, its state after "
        "event N; with `againstVersion`, what that version would have done."
    )
    @needs("executions:read")
    async def execution_timeline(
        self,
        info: Info,
        workspace_id: ID,
        execution_id: ID,
        at: int | None = None,
        against_version: int | None = None,
    ) -> ExecutionTimeline:
        replay = await info.context.gateway.executions.replay(
            workspace_id, execution_id, at=at, against_version=against_version
        )
        return ExecutionTimeline.of(replay)

    @field(description="The workspace's WhatsApp numbers.")
    @needs("channels:read")
    async def channels(
        self, info: Info, workspace_id: ID, include_disconnected: bool = False
    ) -> list[Channel]:
        listed = await info.context.gateway.channels.list(
            workspace_id, include_disconnected=include_disconnected
        )
        return [Channel.of(c) for c in listed.channels]

    @field(description="One number.")
    @needs("channels:read")
    async def channel(self, info: Info, workspace_id: ID, channel_id: ID) -> Channel:
        return Channel.of(await info.context.gateway.channels.get(workspace_id, channel_id))

    @field(description="A number's health score and its reasons.")
    @needs("channels:read")
    async def number_health(self, info: Info, workspace_id: ID, channel_id: ID) -> NumberHealth:
        report = await info.context.gateway.channels.health(workspace_id, channel_id)
        return NumberHealth.of(report)

    @field(description="The sandbox conversation with one customer, oldest first.")
    @needs("sandbox:use")
    async def sandbox_conversation(
        self,
        info: Info,
        workspace_id: ID,
        channel_id: ID,
        phone: str,
        after: Annotated[int, strawberry.argument(description="the last page's nextAfter")] = 0,
        limit: int = 50,
    ) -> SandboxConversationPage:
        query = SandboxConversation(channel_id=channel_id, phone=phone, after=after, limit=limit)
        page = await info.context.gateway.channels.sandbox_conversation(workspace_id, query)
        return SandboxConversationPage.of(page)
