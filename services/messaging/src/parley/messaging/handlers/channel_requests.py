"""Connecting, changing and listing a workspace's numbers, over request/reply.

A Cloud API number is connected only after a live check: the given token must read the given
number at Meta. Secrets are sealed before they are stored and never leave in a reply or event.
A new real number (not the sandbox) must fit the plan's `numbers` limit: the workspace's
numbers still connected (active or paused), other than the channel being connected, are
counted at the moment of the connect.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client as NatsClient

from parley.contracts.billing.entitlements import NUMBERS
from parley.contracts.envelope import Envelope
from parley.contracts.messages import Event
from parley.contracts.messaging.channels import (
    ChangeChannel,
    ChannelChangeResult,
    ChannelConnected,
    ChannelDisconnected,
    ChannelList,
    ChannelProblem,
    ChannelUpdated,
    ChannelView,
    ListChannels,
    NumberResumed,
)
from parley.contracts.subjects import event_subject
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.adapters.secrets import SecretBox, SecretUnreadable
from parley.messaging.domain.channels import (
    SANDBOX_RATE,
    ChannelRecord,
    ChannelSettings,
    CloudApiConnection,
    SandboxSettings,
    parse_payload,
)
from parley.messaging.providers.base import Rejected
from parley.messaging.providers.cloud_api import CloudApi
from parley.runtime.quotas import Quotas

DEFAULT_SANDBOX = "sandbox"
_SECRET_FIELDS = ("access_token", "app_secret", "verify_token")


def _refused(
    channel_id: str, code: str, message: str, *problems: ChannelProblem
) -> ChannelChangeResult:
    return ChannelChangeResult(
        ok=False, channel_id=channel_id, code=code, message=message, problems=problems
    )


class ChannelRequests:
    def __init__(
        self,
        nc: NatsClient,
        channels: ChannelStore,
        box: SecretBox,
        cloud_api: CloudApi,
        quotas: Quotas,
    ) -> None:
        self._nc = nc
        self._channels = channels
        self._box = box
        self._cloud_api = cloud_api
        self._quotas = quotas

    async def answer(self, workspace_id: str, request: ChangeChannel) -> ChannelChangeResult:
        if request.action == "connect_cloud_api":
            return await self._connect(workspace_id, request)
        if request.action == "create_sandbox":
            return await self._sandbox(workspace_id, request.channel_id, request.payload)
        current = await self._channels.get(workspace_id, request.channel_id)
        if current is None:
            return _refused(
                request.channel_id, "CHANNEL_NOT_FOUND", f"no channel {request.channel_id!r}"
            )
        if request.action == "update":
            return await self._update(current, request.payload)
        if request.action == "disconnect":
            view = current.view.model_copy(update={"status": "disconnected"})
            return await self._change(
                current, view, ChannelDisconnected(channel_id=view.channel_id)
            )
        # resume
        if current.view.status != "paused":
            return _refused(current.channel_id, "NOT_PAUSED", "the number is not paused")
        view = current.view.model_copy(
            update={"status": "active", "paused_code": "", "paused_reason": "", "paused_remedy": ""}
        )
        return await self._change(current, view, NumberResumed(channel_id=view.channel_id))

    async def list(self, workspace_id: str, request: ListChannels) -> ChannelList:
        records = await self._channels.in_workspace(workspace_id)
        views = tuple(
            r.view
            for r in records
            if request.include_disconnected or r.view.status != "disconnected"
        )
        return ChannelList(channels=views)

    async def ensure_sandbox(self, workspace_id: str) -> ChannelRecord | None:
        """The workspace's default sandbox number, created on first need (embedded mode)."""
        existing = await self._channels.cached(workspace_id, DEFAULT_SANDBOX)
        if existing is not None:
            return existing if existing.view.status != "disconnected" else None
        await self._sandbox(workspace_id, DEFAULT_SANDBOX, {})
        return await self._channels.get(workspace_id, DEFAULT_SANDBOX)

    async def _connect(self, workspace_id: str, request: ChangeChannel) -> ChannelChangeResult:
        connection, problems = parse_payload(CloudApiConnection, request.payload)
        if connection is None:
            return _refused(request.channel_id, "CHANNEL_INVALID", "check the fields", *problems)
        owner = await self._channels.owner_of(connection.phone_number_id)
        if owner is not None and owner.view.status != "disconnected":
            same = owner.workspace_id == workspace_id and owner.channel_id == request.channel_id
            if not same:
                return _refused(
                    request.channel_id,
                    "NUMBER_IN_USE",
                    "this phone number id is already connected",
                    ChannelProblem(field="phone_number_id", rule="already connected"),
                )
        over = await self._over_plan(workspace_id, request.channel_id)
        if over is not None:
            return over
        checked = await self._cloud_api.check(connection.phone_number_id, connection.access_token)
        if isinstance(checked, Rejected):
            field = "access_token" if checked.code in (0, 190) else "phone_number_id"
            if checked.http_status == 0:
                field = "payload"
            rule = f"rejected by WhatsApp: {checked.message or 'no reason given'}"
            return _refused(
                request.channel_id,
                "CREDENTIALS_REJECTED",
                "WhatsApp did not accept these credentials",
                ChannelProblem(field=field, rule=rule[:300]),
            )
        view = ChannelView(
            channel_id=request.channel_id,
            provider="cloud_api",
            name=connection.name or checked.verified_name,
            phone_number_id=connection.phone_number_id,
            display_phone_number=checked.display_phone_number,
            verified_name=checked.verified_name,
            business_account_id=connection.business_account_id,
            messages_per_second=connection.messages_per_second,
            warmup=connection.warmup,
            tier=checked.tier,
            quality=checked.quality,
            connected_at=datetime.now(UTC),
        )
        sealed = {name: self._box.seal(getattr(connection, name)) for name in _SECRET_FIELDS}
        return await self._create(
            ChannelRecord(workspace_id=workspace_id, view=view, sealed=sealed),
            connection.verify_token,
        )

    async def _over_plan(self, workspace_id: str, channel_id: str) -> ChannelChangeResult | None:
        """PLAN_LIMIT_REACHED when the workspace has as many real numbers as its plan allows."""
        numbers = sum(
            1
            for r in await self._channels.in_workspace(workspace_id)
            if r.view.provider != "sandbox"
            and r.view.status != "disconnected"
            and r.channel_id != channel_id
        )
        refused = await self._quotas.standing_refusal(workspace_id, NUMBERS, numbers)
        if refused is None:
            return None
        # The reply has no remedy field: the message carries the detail, then the remedy.
        return _refused(channel_id, refused.code, f"{refused.detail}. {refused.remedy}")

    async def _sandbox(
        self, workspace_id: str, channel_id: str, payload: dict[str, Any]
    ) -> ChannelChangeResult:
        settings, problems = parse_payload(SandboxSettings, payload)
        if settings is None:
            return _refused(channel_id, "CHANNEL_INVALID", "check the fields", *problems)
        digest = hashlib.sha256(f"{workspace_id}:{channel_id}".encode()).hexdigest()
        number = str(int(digest[:12], 16) % 10**10).zfill(10)
        view = ChannelView(
            channel_id=channel_id,
            provider="sandbox",
            name=settings.name,
            phone_number_id=f"sandbox{number}",
            display_phone_number=f"+1 555 {number[-7:-4]} {number[-4:]}",
            verified_name=settings.name,
            messages_per_second=SANDBOX_RATE,
            tier="TIER_UNLIMITED",
            quality="GREEN",
            connected_at=datetime.now(UTC),
        )
        verify_token = secrets.token_urlsafe(16)
        sealed = {
            "app_secret": self._box.seal(secrets.token_urlsafe(32)),
            "verify_token": self._box.seal(verify_token),
        }
        return await self._create(
            ChannelRecord(workspace_id=workspace_id, view=view, sealed=sealed), verify_token
        )

    async def _create(self, record: ChannelRecord, verify_token: str) -> ChannelChangeResult:
        await self._channels.index_verify_token(record, self._box.fingerprint(verify_token))
        if not await self._channels.create(record):
            return _refused(
                record.channel_id,
                "CHANNEL_EXISTS",
                f"a channel {record.channel_id!r} exists in this workspace",
                ChannelProblem(field="channel_id", rule="already used in this workspace"),
            )
        await self._publish(record, ChannelConnected(channel=record.view))
        return ChannelChangeResult(ok=True, channel_id=record.channel_id, channel=record.view)

    async def _update(self, current: ChannelRecord, payload: dict[str, Any]) -> ChannelChangeResult:
        settings, problems = parse_payload(ChannelSettings, payload)
        if settings is None:
            return _refused(current.channel_id, "CHANNEL_INVALID", "check the fields", *problems)
        given = settings.model_dump(exclude_none=True)
        sealed = dict(current.sealed)
        public: dict[str, Any] = {}
        for name, value in given.items():
            if name in _SECRET_FIELDS:
                sealed[name] = self._box.seal(value)
            else:
                public[name] = value
        if "access_token" in given and current.view.provider == "cloud_api":
            checked = await self._cloud_api.check(
                current.view.phone_number_id, given["access_token"]
            )
            if isinstance(checked, Rejected):
                return _refused(
                    current.channel_id,
                    "CREDENTIALS_REJECTED",
                    "WhatsApp did not accept the new token",
                    ChannelProblem(field="access_token", rule=f"rejected: {checked.message}"[:300]),
                )
        view = current.view.model_copy(update=public)
        record = current.model_copy(update={"view": view, "sealed": sealed})
        new_token = given.get("verify_token")
        if new_token is not None:
            await self._channels.index_verify_token(record, self._box.fingerprint(new_token))
        await self._channels.put(record)
        old_token = self._opened(current, "verify_token") if new_token is not None else None
        if old_token is not None and old_token != new_token:
            await self._channels.unindex_verify_token(record, self._box.fingerprint(old_token))
        await self._publish(record, ChannelUpdated(channel=view, changed=tuple(sorted(given))))
        return ChannelChangeResult(ok=True, channel_id=view.channel_id, channel=view)

    def _opened(self, record: ChannelRecord, name: str) -> str | None:
        try:
            return self._box.open(record.sealed[name]) if name in record.sealed else None
        except SecretUnreadable:
            return None  # sealed under another SECRET_KEY: nothing to compare it with

    async def _change(
        self, current: ChannelRecord, view: ChannelView, event: Event
    ) -> ChannelChangeResult:
        record = current.model_copy(update={"view": view})
        await self._channels.put(record)
        await self._publish(record, event)
        return ChannelChangeResult(ok=True, channel_id=view.channel_id, channel=view)

    async def _publish(self, record: ChannelRecord, event: Event) -> None:
        subject = event_subject("messaging", record.workspace_id, record.channel_id)
        envelope = Envelope.wrap(event, workspace_id=record.workspace_id)
        await self._nc.jetstream().publish(subject, envelope.to_bytes())
