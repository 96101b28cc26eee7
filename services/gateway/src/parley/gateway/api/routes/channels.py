"""`/api/v1/workspaces/{workspace_id}/channels`: WhatsApp numbers (connect a Cloud API number
with a live credential check, create a sandbox), their health, and the sandbox simulator.

The request bodies give the shapes; messaging checks every rule (it owns them) and its refusals
name the field, so both layers agree on one set of rules."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from parley.contracts.ids import new_id
from parley.contracts.messaging.channels import ChannelList, ChannelView, NumberHealthReport
from parley.contracts.messaging.sandbox import (
    PHONE_PATTERN,
    SandboxConversation,
    SandboxConversationPage,
    SandboxSend,
    SandboxSent,
)
from parley.gateway.api.access import WorkspaceScope, require
from parley.gateway.api.deps import ChannelsApi
from parley.gateway.api.problems import validation_problem

router = APIRouter(prefix="/workspaces/{workspace_id}/channels", tags=["channels"])

Readers = Annotated[WorkspaceScope, Depends(require("channels:read"))]
Writers = Annotated[WorkspaceScope, Depends(require("channels:write"))]
SandboxUsers = Annotated[WorkspaceScope, Depends(require("sandbox:use"))]
CHANNEL_ID = r"^[A-Za-z0-9_\-]{1,64}$"
ChannelId = Annotated[str, Path(pattern=CHANNEL_ID)]


class CloudApiNumber(BaseModel):
    """What WhatsApp Manager shows for the number, and the app's secrets."""

    model_config = ConfigDict(extra="forbid")
    channel_id: str | None = Field(default=None, pattern=CHANNEL_ID)
    phone_number_id: str = Field(max_length=32, description="numeric, from WhatsApp Manager")
    business_account_id: str = Field(max_length=32)
    access_token: str = Field(max_length=1024, description="system-user token; stored sealed")
    app_secret: str = Field(max_length=256, description="signs webhooks; stored sealed")
    verify_token: str = Field(max_length=256, description="for the webhook handshake")
    name: str = Field(default="", max_length=100)
    messages_per_second: int = 80
    warmup: bool = True


class SandboxNumber(BaseModel):
    model_config = ConfigDict(extra="forbid")
    channel_id: str = Field(default="sandbox", pattern=CHANNEL_ID)
    name: str = Field(default="Sandbox", max_length=100)


class ChannelChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=100)
    messages_per_second: int | None = None
    warmup: bool | None = None
    access_token: str | None = Field(default=None, max_length=1024)
    app_secret: str | None = Field(default=None, max_length=256)
    verify_token: str | None = Field(default=None, max_length=256)


class CustomerMessage(BaseModel):
    """What the customer does on the sandbox phone: write, or tap a button or list row."""

    model_config = ConfigDict(extra="forbid")
    phone: str = Field(pattern=PHONE_PATTERN)
    profile_name: str = Field(default="Sandbox customer", max_length=256)
    message_type: Literal["text", "button", "list"] = "text"
    text: str = Field(min_length=1, max_length=4096)
    reply_id: str = Field(default="", max_length=256)


def _fields(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


@router.get("", summary="The workspace's numbers")
async def list_channels(
    scope: Readers, channels: ChannelsApi, include_disconnected: bool = False
) -> ChannelList:
    return await channels.list(scope.workspace_id, include_disconnected=include_disconnected)


@router.post("/cloud-api", status_code=201, summary="Connect a WhatsApp Cloud API number")
async def connect_cloud_api(
    scope: Writers, channels: ChannelsApi, body: CloudApiNumber
) -> ChannelView:
    channel_id = body.channel_id or f"wa_{new_id().hex[-10:]}"
    payload = _fields(body)
    payload.pop("channel_id", None)
    return await channels.change(scope.workspace_id, channel_id, "connect_cloud_api", payload)


@router.post("/sandbox", status_code=201, summary="Create a sandbox number")
async def create_sandbox(scope: Writers, channels: ChannelsApi, body: SandboxNumber) -> ChannelView:
    return await channels.change(
        scope.workspace_id, body.channel_id, "create_sandbox", {"name": body.name}
    )


@router.get("/{channel_id}", summary="One number")
async def get_channel(scope: Readers, channels: ChannelsApi, channel_id: ChannelId) -> ChannelView:
    return await channels.get(scope.workspace_id, channel_id)


@router.patch("/{channel_id}", summary="Rename, change the rate, or rotate credentials")
async def update_channel(
    scope: Writers, channels: ChannelsApi, channel_id: ChannelId, body: ChannelChanges
) -> ChannelView:
    return await channels.change(scope.workspace_id, channel_id, "update", _fields(body))


@router.post("/{channel_id}/disconnect", summary="Disconnect a number: nothing more is sent")
async def disconnect_channel(
    scope: Writers, channels: ChannelsApi, channel_id: ChannelId
) -> ChannelView:
    return await channels.change(scope.workspace_id, channel_id, "disconnect", {})


@router.post("/{channel_id}/resume", summary="Resume a number WhatsApp paused, once fixed")
async def resume_channel(
    scope: Writers, channels: ChannelsApi, channel_id: ChannelId
) -> ChannelView:
    return await channels.change(scope.workspace_id, channel_id, "resume", {})


@router.get("/{channel_id}/health", summary="The number's health score and its reasons")
async def channel_health(
    scope: Readers, channels: ChannelsApi, channel_id: ChannelId
) -> NumberHealthReport:
    return await channels.health(scope.workspace_id, channel_id)


@router.post(
    "/{channel_id}/sandbox/messages",
    status_code=202,
    summary="Act as the customer: send a message to the sandbox number",
)
async def sandbox_send(
    scope: SandboxUsers, channels: ChannelsApi, channel_id: ChannelId, body: CustomerMessage
) -> SandboxSent:
    try:
        message = SandboxSend(channel_id=channel_id, **body.model_dump())
    except ValidationError as err:
        raise validation_problem(err.errors()) from None
    return await channels.sandbox_send(scope.workspace_id, message)


@router.get(
    "/{channel_id}/sandbox/conversations/{phone}",
    summary="The sandbox conversation with one customer, oldest first",
)
async def sandbox_conversation(
    scope: SandboxUsers,
    channels: ChannelsApi,
    channel_id: ChannelId,
    phone: Annotated[str, Path(pattern=PHONE_PATTERN)],
    after: Annotated[
        int, Query(ge=0, le=2**63 - 1, description="next_after of the previous page")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> SandboxConversationPage:
    query = SandboxConversation(channel_id=channel_id, phone=phone, after=after, limit=limit)
    return await channels.sandbox_conversation(scope.workspace_id, query)
