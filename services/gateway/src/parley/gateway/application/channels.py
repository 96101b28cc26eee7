"""WhatsApp numbers (channels) and the sandbox simulator, through the messaging service.

Secrets go in (access token, app secret, verify token) and never come back: messaging seals them
and its replies carry only the public view of a number."""

from __future__ import annotations

from typing import Any, TypeVar

from parley.contracts.messages import Query, Reply
from parley.contracts.messaging.channels import (
    ChangeChannel,
    ChannelAction,
    ChannelChangeResult,
    ChannelList,
    ChannelView,
    GetNumberHealth,
    ListChannels,
    NumberHealthReport,
)
from parley.contracts.messaging.sandbox import (
    SandboxConversation,
    SandboxConversationPage,
    SandboxSend,
    SandboxSent,
)
from parley.gateway.adapters.services import Services
from parley.gateway.api.problems import FieldProblem, Problem
from parley.gateway.application.plan_refusals import relayed_problem
from parley.gateway.application.service_calls import ask
from parley.runtime.quotas import Quotas

SERVICE = "messaging"
R = TypeVar("R", bound=Reply)
_STATUS = {
    "CHANNEL_INVALID": 422,
    "CHANNEL_EXISTS": 409,
    "CHANNEL_NOT_FOUND": 404,
    "NUMBER_IN_USE": 409,
    "CREDENTIALS_REJECTED": 422,
    "NOT_PAUSED": 409,
}


class Channels:
    def __init__(self, services: Services, quotas: Quotas | None = None) -> None:
        self._services = services
        self._quotas = quotas  # for the plan that lifts a refused connect

    async def list(self, workspace_id: str, *, include_disconnected: bool) -> ChannelList:
        query = ListChannels(include_disconnected=include_disconnected)
        return await self._ask("list-channels", workspace_id, query, ChannelList)

    async def get(self, workspace_id: str, channel_id: str) -> ChannelView:
        listed = await self.list(workspace_id, include_disconnected=True)
        for channel in listed.channels:
            if channel.channel_id == channel_id:
                return channel
        raise Problem(404, "NOT_FOUND", f"channel {channel_id!r} not found in this workspace")

    async def change(
        self, workspace_id: str, channel_id: str, action: ChannelAction, payload: dict[str, Any]
    ) -> ChannelView:
        query = ChangeChannel(channel_id=channel_id, action=action, payload=payload)
        result = await self._ask("change-channel", workspace_id, query, ChannelChangeResult)
        if result.ok and result.channel is not None:
            return result.channel
        if result.code == "CHANNEL_NOT_FOUND":
            raise Problem(404, "NOT_FOUND", f"channel {channel_id!r} not found in this workspace")
        plan = await relayed_problem(self._quotas, workspace_id, result.code, result.message)
        if plan is not None:
            raise plan  # a number over the plan's `numbers`
        raise Problem(
            _STATUS.get(result.code, 422),
            result.code or "CHANNEL_REFUSED",
            result.message or "the channel was not changed",
            errors=[FieldProblem(field=p.field, rule=p.rule) for p in result.problems],
        )

    async def health(self, workspace_id: str, channel_id: str) -> NumberHealthReport:
        query = GetNumberHealth(channel_id=channel_id)
        return await self._ask("number-health", workspace_id, query, NumberHealthReport, channel_id)

    async def sandbox_send(self, workspace_id: str, message: SandboxSend) -> SandboxSent:
        return await self._ask(
            "sandbox-send", workspace_id, message, SandboxSent, message.channel_id
        )

    async def sandbox_conversation(
        self, workspace_id: str, query: SandboxConversation
    ) -> SandboxConversationPage:
        return await self._ask(
            "sandbox-conversation", workspace_id, query, SandboxConversationPage, query.channel_id
        )

    async def _ask(
        self, name: str, workspace_id: str, query: Query, reply: type[R], channel_id: str = ""
    ) -> R:
        return await ask(
            self._services,
            SERVICE,
            name,
            workspace_id,
            query,
            reply,
            what="channel",
            ident=channel_id,
            conflict_code="CHANNEL_DISCONNECTED",
        )
