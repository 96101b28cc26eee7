"""Telling billing of every workspace the gateway creates: `billing.RegisterWorkspace` on
`billing.cmd.<organization_id>.account`, into the BILLING stream, once the workspace is
committed.

The command's `Nats-Msg-Id` is `register:<workspace_id>`, so a retry is stored once. A failure
to publish is logged and swallowed: a sign-up must not fail because billing's stream is away,
and billing registers a workspace it is asked about (`get-account`) that it does not know yet.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from nats.errors import Error as NatsError

from parley.contracts.billing.commands import RegisterWorkspace
from parley.contracts.subjects import command_subject
from parley.gateway.adapters.services import RequestTooLarge, Services, ServiceUnavailable
from parley.gateway.domain.models import Workspace
from parley.runtime.logs import get_logger

log = get_logger("parley.gateway.registration")
BILLING = "billing"


def register_msg_id(workspace_id: str) -> str:
    return f"register:{workspace_id}"


class WorkspaceRegistration:
    def __init__(
        self, services: Services, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._services = services
        self._clock = clock

    async def __call__(self, workspace: Workspace) -> None:
        command = RegisterWorkspace(
            organization_id=workspace.organization_id,
            workspace_id=workspace.id,
            at=self._clock(),
        )
        subject = command_subject(BILLING, workspace.organization_id, "account")
        try:
            # Billing's tenant is the organization: its envelopes name it, as its subjects do.
            await self._services.send(
                BILLING,
                subject,
                workspace.organization_id,
                command,
                register_msg_id(workspace.id),
            )
        except (ServiceUnavailable, RequestTooLarge, NatsError, TimeoutError) as failed:
            log.warning(
                "workspace not registered with billing",
                workspace_id=workspace.id,
                organization_id=workspace.organization_id,
                why=str(failed),
            )
