"""The changes: flows (decided on the flow's own log by the flow-engine), the support operations
on executions, and the sandbox.

The arguments are checked by the very request models of the REST routes, so both APIs accept
and refuse the same input (a graph is a `FlowGraph`; a bad one is INVALID_REQUEST naming each
field and rule), then handed to the same application methods.
"""

from __future__ import annotations

from typing import Any

import strawberry
from pydantic import BaseModel
from strawberry.scalars import JSON

from parley.contracts.flows.requests import FlowAction
from parley.contracts.ids import new_id
from parley.contracts.messaging.sandbox import SandboxSend
from parley.gateway.api.routes import channels as rest_channels
from parley.gateway.api.routes import executions as rest_executions
from parley.gateway.api.routes import flows as rest_flows
from parley.gateway.graphql.context import Info, actor, mutation, needs
from parley.gateway.graphql.execution_types import CommandAccepted
from parley.gateway.graphql.types import ID, FlowChangeResult
from parley.gateway.graphql.workspace_types import Channel, SandboxSent

SANDBOX = ID("sandbox")


def _fields(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)


async def _change(
    info: Info, workspace_id: str, flow_id: str, action: FlowAction, body: BaseModel | None = None
) -> FlowChangeResult:
    payload = None if body is None else _fields(body)
    result = await info.context.gateway.flows.change(
        workspace_id, flow_id, action, payload, allow_invalid=action == "validate"
    )
    return FlowChangeResult.of(result)


def _accepted(execution_id: str, command_id: str) -> CommandAccepted:
    return CommandAccepted(accepted=True, execution_id=ID(execution_id), command_id=ID(command_id))


@strawberry.type
class Mutation:
    @mutation(description="Create a flow with a draft (empty unless `graph`).")
    @needs("flows:write")
    async def create_flow(
        self,
        info: Info,
        workspace_id: ID,
        name: str,
        flow_id: ID | None = None,
        graph: JSON | None = None,
    ) -> FlowChangeResult:
        body = rest_flows.NewFlow.model_validate({"flow_id": flow_id, "name": name, "graph": graph})
        new_flow_id = body.flow_id or f"flw_{new_id().hex[-12:]}"
        payload: dict[str, Any] = {"flow_id": new_flow_id, "name": body.name}
        if body.graph is not None:
            payload["graph"] = body.graph.model_dump(mode="json")
        result = await info.context.gateway.flows.change(
            workspace_id, new_flow_id, "create", payload
        )
        return FlowChangeResult.of(result)

    @mutation(description="Replace the draft.")
    @needs("flows:write")
    async def update_flow_draft(
        self, info: Info, workspace_id: ID, flow_id: ID, graph: JSON
    ) -> FlowChangeResult:
        body = rest_flows.DraftChange.model_validate({"graph": graph})
        return await _change(info, workspace_id, flow_id, "update_draft", body)

    @mutation(description="Rename a flow.")
    @needs("flows:write")
    async def rename_flow(
        self, info: Info, workspace_id: ID, flow_id: ID, name: str
    ) -> FlowChangeResult:
        body = rest_flows.FlowRename.model_validate({"name": name})
        return await _change(info, workspace_id, flow_id, "rename", body)

    @mutation(description="Publish the draft as the next version.")
    @needs("flows:write")
    async def publish_flow(
        self, info: Info, workspace_id: ID, flow_id: ID, note: str = ""
    ) -> FlowChangeResult:
        body = rest_flows.Publication.model_validate({"note": note})
        return await _change(info, workspace_id, flow_id, "publish", body)

    @mutation(description="Archive a flow: no new executions start.")
    @needs("flows:write")
    async def archive_flow(self, info: Info, workspace_id: ID, flow_id: ID) -> FlowChangeResult:
        return await _change(info, workspace_id, flow_id, "archive")

    @mutation(description="Bring an archived flow back.")
    @needs("flows:write")
    async def unarchive_flow(self, info: Info, workspace_id: ID, flow_id: ID) -> FlowChangeResult:
        return await _change(info, workspace_id, flow_id, "unarchive")

    @mutation(description="Copy a flow's draft into a new flow.")
    @needs("flows:write")
    async def duplicate_flow(
        self, info: Info, workspace_id: ID, flow_id: ID, name: str, new_flow_id: ID | None = None
    ) -> FlowChangeResult:
        body = rest_flows.Duplication.model_validate({"new_flow_id": new_flow_id, "name": name})
        new_id_ = body.new_flow_id or f"flw_{new_id().hex[-12:]}"
        payload = {"new_flow_id": new_id_, "name": body.name}
        result = await info.context.gateway.flows.change(
            workspace_id, flow_id, "duplicate", payload
        )
        return FlowChangeResult.of(result)

    @mutation(description="Every problem of the draft, or of `graph` when given.")
    @needs("flows:read")
    async def validate_flow(
        self, info: Info, workspace_id: ID, flow_id: ID, graph: JSON | None = None
    ) -> FlowChangeResult:
        body = rest_flows.Validation.model_validate({"graph": graph})
        return await _change(info, workspace_id, flow_id, "validate", body)

    @mutation(description="Cancel a running execution.")
    @needs("executions:operate")
    async def cancel_execution(
        self, info: Info, workspace_id: ID, execution_id: ID, reason: str = ""
    ) -> CommandAccepted:
        body = rest_executions.Cancellation.model_validate({"reason": reason})
        by = actor(await info.context.caller())
        executions = info.context.gateway.executions
        command_id = await executions.cancel(workspace_id, execution_id, body.reason, by)
        return _accepted(execution_id, command_id)

    @mutation(description="Move an execution to a node.")
    @needs("executions:operate")
    async def move_execution(
        self, info: Info, workspace_id: ID, execution_id: ID, node_id: ID
    ) -> CommandAccepted:
        body = rest_executions.Move.model_validate({"node_id": node_id})
        by = actor(await info.context.caller())
        executions = info.context.gateway.executions
        command_id = await executions.move(workspace_id, execution_id, body.node_id, by)
        return _accepted(execution_id, command_id)

    @mutation(description="Hand the conversation back to the bot.")
    @needs("executions:operate")
    async def release_handover(
        self, info: Info, workspace_id: ID, execution_id: ID
    ) -> CommandAccepted:
        by = actor(await info.context.caller())
        executions = info.context.gateway.executions
        command_id = await executions.release_handover(workspace_id, execution_id, by)
        return _accepted(execution_id, command_id)

    @mutation(description="Create a sandbox number.")
    @needs("channels:write")
    async def create_sandbox(
        self, info: Info, workspace_id: ID, channel_id: ID = SANDBOX, name: str = "Sandbox"
    ) -> Channel:
        body = rest_channels.SandboxNumber.model_validate({"channel_id": channel_id, "name": name})
        channel = await info.context.gateway.channels.change(
            workspace_id, body.channel_id, "create_sandbox", {"name": body.name}
        )
        return Channel.of(channel)

    @mutation(description="Act as the customer: write to the sandbox number.")
    @needs("sandbox:use")
    async def sandbox_send(
        self,
        info: Info,
        workspace_id: ID,
        channel_id: ID,
        phone: str,
        text: str,
        message_type: str = "text",
        reply_id: str = "",
        profile_name: str = "Sandbox customer",
    ) -> SandboxSent:
        body = rest_channels.CustomerMessage.model_validate(
            {
                "phone": phone,
                "text": text,
                "message_type": message_type,
                "reply_id": reply_id,
                "profile_name": profile_name,
            }
        )
        message = SandboxSend(channel_id=channel_id, **body.model_dump())
        sent = await info.context.gateway.channels.sandbox_send(workspace_id, message)
        return SandboxSent.of(sent)
