"""Executions: reads from the flow-engine (list, detail, timeline, replay) and the support
operations (cancel, move, release a handover), sent as commands to the execution itself.

A command is only sent for an execution the workspace can see, so a guessed id from another
workspace is a 404 like any other."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from parley.contracts.executions.inputs import CancelExecution, MoveExecution, ReleaseHandover
from parley.contracts.executions.queries import (
    ExecutionDetail,
    ExecutionPage,
    ExecutionReplay,
    ExecutionStatus,
    GetExecution,
    GetExecutionReplay,
    ListExecutions,
)
from parley.contracts.ids import new_id
from parley.contracts.messages import Query, Reply
from parley.contracts.subjects import command_subject
from parley.gateway.adapters.services import Services
from parley.gateway.api.problems import Problem
from parley.gateway.application.service_calls import ask

SERVICE = "flow-engine"
R = TypeVar("R", bound=Reply)
SupportCommand = CancelExecution | MoveExecution | ReleaseHandover


class Executions:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def list(
        self,
        workspace_id: str,
        *,
        flow_id: str | None,
        status: ExecutionStatus | None,
        contact_id: str | None,
        limit: int,
        cursor: str,
    ) -> ExecutionPage:
        query = ListExecutions(
            flow_id=flow_id, status=status, contact_id=contact_id, limit=limit, cursor=cursor
        )
        return await self._ask("list-executions", workspace_id, query, ExecutionPage)

    async def get(self, workspace_id: str, execution_id: str) -> ExecutionDetail:
        query = GetExecution(execution_id=execution_id)
        return await self._ask("get-execution", workspace_id, query, ExecutionDetail, execution_id)

    async def flow_of(self, workspace_id: str, execution_id: str) -> str | None:
        """Which flow an execution runs (None: not known, or not yet in the read model)."""
        try:
            return (await self.get(workspace_id, execution_id)).flow_id
        except Problem:
            return None

    async def replay(
        self,
        workspace_id: str,
        execution_id: str,
        *,
        at: int | None = None,
        against_version: int | None = None,
    ) -> ExecutionReplay:
        query = GetExecutionReplay(
            execution_id=execution_id, at=at, against_version=against_version
        )
        return await self._ask(
            "execution-replay", workspace_id, query, ExecutionReplay, execution_id
        )

    async def cancel(self, workspace_id: str, execution_id: str, reason: str, by: str) -> str:
        return await self._command(
            workspace_id, execution_id, CancelExecution(reason=reason, by=by, at=_now())
        )

    async def move(self, workspace_id: str, execution_id: str, node_id: str, by: str) -> str:
        return await self._command(
            workspace_id, execution_id, MoveExecution(node_id=node_id, by=by, at=_now())
        )

    async def release_handover(self, workspace_id: str, execution_id: str, by: str) -> str:
        return await self._command(workspace_id, execution_id, ReleaseHandover(by=by, at=_now()))

    async def _command(
        self,
        workspace_id: str,
        execution_id: str,
        command: SupportCommand,
    ) -> str:
        """Send a support operation to an execution of this workspace; its command id."""
        execution = await self.get(workspace_id, execution_id)
        if execution.status in ("completed", "failed", "cancelled"):
            raise Problem(
                409, "EXECUTION_ENDED", f"execution {execution_id!r} has {execution.status}"
            )
        command_id = str(new_id())
        await self._services.send(
            SERVICE,
            command_subject("exec", workspace_id, execution_id),
            workspace_id,
            command,
            msg_id=command_id,
        )
        return command_id

    async def _ask(
        self, name: str, workspace_id: str, query: Query, reply: type[R], ident: str = ""
    ) -> R:
        return await ask(
            self._services, SERVICE, name, workspace_id, query, reply, what="execution", ident=ident
        )


def _now() -> datetime:
    return datetime.now(UTC)
