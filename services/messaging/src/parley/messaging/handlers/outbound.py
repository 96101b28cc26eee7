"""The outbound pipeline: one SendMessage in, at most one provider call, one outcome out.

For each command: the ledger first (a settled send is announced again, a fresh claim waits, a
stale claim is an unknown outcome), then the checks that need no provider (channel, recipient,
opt-out, content, the 24 h window), then the plan's message limit (one unit per send on a real
number, taken once and kept in the ledger record), then the limits (pair, messaging tier, the
number's throughput, which may wait), then the claim, the call, and the outcome written to the
ledger before it is announced as MessageSent or MessageFailed.

A send that holds a unit of the plan's limit gives it back when it fails without reaching
WhatsApp (rejected, never sent, the number paused for a day, refused on a later delivery). It
keeps it when WhatsApp took it, and on UNKNOWN_OUTCOME: the message may have been delivered.
Writing and announcing an outcome, and reading WhatsApp's refusals, is `send_outcomes.py`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.registry import registry
from parley.contracts.streams import MESSAGING
from parley.messaging.adapters.channel_store import ChannelStore
from parley.messaging.adapters.contacts import Conversations
from parley.messaging.adapters.provider_ids import ProviderIds, SentMessageRef
from parley.messaging.adapters.quota import MessageQuota
from parley.messaging.adapters.rate_limits import RateLimited, RateLimits
from parley.messaging.adapters.reach import Reach
from parley.messaging.adapters.secrets import SecretBox
from parley.messaging.adapters.send_ledger import SendLedger, SendRecord
from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.domain.outbound import cloud_body
from parley.messaging.domain.send_checks import Refusal, SendTarget, business_initiated, refusal
from parley.messaging.domain.tiers import tier_cap, warmup_rate
from parley.messaging.handlers.number_pauses import NumberPauses
from parley.messaging.handlers.send_outcomes import (
    UNKNOWN_OUTCOME,
    SendOutcomes,
    failed_record,
    unknown_outcome,
)
from parley.messaging.metrics import MessagingMetrics
from parley.messaging.providers.base import (
    Accepted,
    NotSent,
    Provider,
    Rejected,
    Unknown,
)
from parley.runtime.consumers import ConsumerSpec, RetryLater
from parley.runtime.logs import get_logger
from parley.runtime.retries import retry_until

log = get_logger("parley.messaging.outbound")

CONSUMER = ConsumerSpec(
    stream=MESSAGING.name,
    durable="messaging-send",
    filter_subjects=("messaging.cmd.>",),
    # Waits (limits, a paused number, 131049's day) come back as naks, which count as
    # deliveries: the cap only has to stop a command that keeps crashing the handler.
    max_deliver=100_000,
    backoff=(1.0, 2.0, 5.0, 15.0, 30.0),
    ack_wait=60.0,
    max_ack_pending=20_000,
    fetch_batch=256,
    concurrency=512,
)

UnknownOutcome = Literal["fail", "resend"]
# While a number is paused its sends wait, checking back this often, for at most this long.
PAUSE_RECHECK = 30.0
PAUSE_GIVE_UP = 24 * 3600.0
NOT_SENT_ATTEMPTS = 8

RateFactor = Callable[[str, str], Awaitable[float]]  # (workspace, channel) -> multiplier
# The number a workspace without any gets (the sandbox, in embedded mode), or None.
DefaultChannel = Callable[[str], Awaitable[ChannelRecord | None]]


async def _no_default(workspace_id: str) -> ChannelRecord | None:
    del workspace_id
    return None


async def _full_rate(workspace_id: str, channel_id: str) -> float:
    del workspace_id, channel_id
    return 1.0


@dataclass(frozen=True)
class QuotaHold:
    """Where a send stands with the plan's message limit on this delivery."""

    reserved: bool  # admitted (by this delivery or an earlier one)
    subjects: tuple[str, ...]  # the counters holding its unit
    new: bool  # admitted by this delivery: not in the ledger yet


@dataclass(frozen=True)
class OutboundSettings:
    call_timeout: float = 10.0  # the provider client's total timeout
    unknown_outcome: UnknownOutcome = "fail"
    pause_recheck: float = PAUSE_RECHECK
    max_slot_wait: float = 10.0  # the rate limiter's longest in-handler wait


class Outbound:
    def __init__(
        self,
        nc: NatsClient,
        *,
        channels: ChannelStore,
        conversations: Conversations,
        ledger: SendLedger,
        provider_ids: ProviderIds,
        limits: RateLimits,
        reach: Reach,
        quota: MessageQuota,
        box: SecretBox,
        providers: dict[str, Provider],
        pauses: NumberPauses,
        settings: OutboundSettings,
        rate_factor: RateFactor = _full_rate,
        metrics: MessagingMetrics,
        default_channel: DefaultChannel = _no_default,
    ) -> None:
        self._channels = channels
        self._conversations = conversations
        self._ledger = ledger
        self._provider_ids = provider_ids
        self._limits = limits
        self._reach = reach
        self._quota = quota
        self._box = box
        self._providers = providers
        self._settings = settings
        self._rate_factor = rate_factor
        self._default_channel = default_channel
        self._metrics = metrics
        self._outcomes = SendOutcomes(
            nc,
            ledger=ledger,
            quota=quota,
            pauses=pauses,
            metrics=metrics,
            pause_recheck=settings.pause_recheck,
        )

    @property
    def _claim_horizon(self) -> float:
        """A claim is followed by at most the throughput wait, the call and the outcome's
        writes: an older one means the process died mid-call."""
        return self._settings.call_timeout + self._settings.max_slot_wait + 5.0

    def _write_deadline(self, claimed_at: datetime) -> float:
        """Until when (monotonic) an outcome may be retried: a second before a redelivery
        would take the claim for a dead one and report UNKNOWN_OUTCOME."""
        age = (datetime.now(UTC) - claimed_at).total_seconds()
        return time.monotonic() + self._claim_horizon - age - 1.0

    async def handle(self, msg: Msg) -> None:
        envelope = Envelope.from_bytes(msg.data)
        command = registry.decode(envelope)
        if not isinstance(command, SendMessage):
            log.warning("not a command messaging knows; skipped", type=envelope.type)
            return
        key = f"{envelope.workspace_id}.{command_token(command.command_id)}"
        record, revision = await self._ledger.get(key)
        now = datetime.now(UTC)
        if record is not None and record.settled:
            await self._outcomes.announce(envelope, command, record)
            return
        if record is not None and record.state == "calling":
            age = (now - record.at).total_seconds()
            horizon = self._claim_horizon
            if age < horizon:
                raise RetryLater(horizon - age, "another delivery is calling the provider")
            if self._settings.unknown_outcome == "fail":
                # The process died mid-call: WhatsApp may or may not have the message. Sending
                # again could reach the customer twice, so say so instead of guessing.
                why = "the service stopped while WhatsApp was being called"
                failed = unknown_outcome(record, now, why)
                await self._outcomes.settle(key, envelope, command, failed)
                return
        await self._attempt(envelope, command, key, record, revision, now)

    async def _attempt(
        self,
        envelope: Envelope,
        command: SendMessage,
        key: str,
        record: SendRecord | None,
        revision: int | None,
        now: datetime,
    ) -> None:
        ws = envelope.workspace_id
        channel, target = await self._target(ws, command)
        refused = refusal(target, command.message, now)
        if refused is not None or channel is None:
            refused = refused or Refusal("NO_CHANNEL", "no channel")
            await self._outcomes.settle(key, envelope, command, failed_record(record, now, refused))
            return
        hold = await self._admit(key, ws, channel, record)
        if isinstance(hold, Refusal):
            failed = failed_record(record, now, hold, channel_id=channel.channel_id)
            await self._outcomes.settle(key, envelope, command, failed)
            return
        if channel.view.status == "paused":
            await self._wait_for_resume(key, envelope, command, record, now, channel, hold)
            return
        try:
            await self._limits.pair_slot(channel.view.phone_number_id, target.to)
            if business_initiated(target, command.message, now):
                await self._reach.admit(channel.portfolio, target.to, tier_cap(channel.view.tier))
        except RateLimited as limited:
            self._metrics.limit_waits.labels(limited.limit).inc()
            if hold.new:
                # The unit is taken: say so before waiting, or the next delivery takes another.
                base = record or SendRecord(
                    state="waiting", at=now, channel_id=channel.channel_id, to=target.to
                )
                waiting = base.model_copy(
                    update={"state": "waiting", "at": now, "quota_reserved": True}
                    | {"quota_subjects": hold.subjects}
                )
                await self._ledger.claim(key, waiting, revision)
            raise RetryLater(limited.delay, str(limited)) from None
        attempt = (record.attempt if record else 0) + 1
        calling = SendRecord(
            state="calling",
            at=datetime.now(UTC),
            attempt=attempt,
            channel_id=channel.channel_id,
            to=target.to,
            first_error_at=record.first_error_at if record else None,
            quota_reserved=hold.reserved,
            quota_subjects=hold.subjects,
        )
        provider, token, body = self._prepare(channel, command, target.to)
        try:
            won = await self._ledger.claim(key, calling, revision)
        except Exception:
            await self._release(key, calling)  # the write may have landed before it failed
            raise
        if won is None:
            raise RetryLater(1.0, "another delivery claimed this send")
        # The throughput slot is taken last, right before the call: whatever ran in between
        # would otherwise add its own jitter to when the message reaches WhatsApp.
        try:
            await self._limits.number_slot(
                channel.view.phone_number_id, await self._rate(ws, channel, now)
            )
        except RateLimited as limited:
            self._metrics.limit_waits.labels(limited.limit).inc()
            await self._release(key, calling)
            raise RetryLater(limited.delay, str(limited)) from None
        except Exception:
            await self._release(key, calling)  # e.g. the limiter's bucket mid-failover
            raise
        result = await provider.send(channel, token, body)
        if isinstance(result, Accepted):
            sent = calling.model_copy(
                update={"state": "sent", "at": datetime.now(UTC)}
                | {"provider_message_id": result.provider_message_id}
            )
            ref = SentMessageRef(
                workspace_id=ws,
                ledger_key=key,
                command_id=command.command_id,
                contact_id=command.contact_id,
                channel_id=channel.channel_id,
                execution_id=command.execution_id,
            )
            # WhatsApp has it: a NATS failover now must not turn that into UNKNOWN_OUTCOME
            # (a redelivery would find only the claim), so the writes are retried in place.
            deadline = self._write_deadline(calling.at)
            await retry_until(
                lambda: self._provider_ids.remember(result.provider_message_id, ref),
                deadline=deadline,
            )
            await retry_until(
                lambda: self._outcomes.settle(key, envelope, command, sent), deadline=deadline
            )
        elif isinstance(result, Rejected):
            await self._outcomes.rejected(key, envelope, command, calling, channel, result)
        elif isinstance(result, NotSent):
            await self._outcomes.retry_or_fail(
                key, envelope, command, calling, "NOT_SENT", result.reason, 2.0, NOT_SENT_ATTEMPTS
            )
        elif isinstance(result, Unknown):
            if self._settings.unknown_outcome == "resend":
                await self._outcomes.retry_or_fail(
                    key, envelope, command, calling, UNKNOWN_OUTCOME, result.reason, 5.0, 3
                )
                return
            failed = unknown_outcome(calling, datetime.now(UTC), result.reason)
            await self._outcomes.settle(key, envelope, command, failed)

    async def _release(self, key: str, calling: SendRecord) -> None:
        """Take back a claim whose provider call was never made, so a redelivery sends instead
        of finding a claim and, past the horizon, reporting UNKNOWN_OUTCOME for a message that
        certainly did not go. What is stored is read first: a failed claim write may have
        landed or not, and a record another delivery wrote since is left alone."""

        async def release() -> None:
            record, revision = await self._ledger.get(key)
            if record == calling:
                waiting = calling.model_copy(
                    update={"state": "waiting", "attempt": calling.attempt - 1}
                )
                await self._ledger.claim(key, waiting, revision)

        try:
            await retry_until(release, deadline=self._write_deadline(calling.at))
        except Exception as err:  # noqa: BLE001 - the caller raises its own error next
            # Still claimed: past the horizon a redelivery reports UNKNOWN_OUTCOME, the
            # never-twice side of a failure that outlasted every retry.
            log.warning("send claim not released", key=key, error=repr(err))

    async def _admit(
        self, key: str, workspace_id: str, channel: ChannelRecord, record: SendRecord | None
    ) -> QuotaHold | Refusal:
        """One unit of the plan's message limit per send, on real numbers only: the sandbox is
        where a business tests its bot, which must not use up its plan."""
        if record is not None and record.quota_reserved:
            return QuotaHold(reserved=True, subjects=record.quota_subjects, new=False)
        if channel.view.provider == "sandbox":
            return QuotaHold(reserved=False, subjects=(), new=False)
        admitted = await self._quota.admit(workspace_id, key)
        if isinstance(admitted, Refusal):
            return admitted
        return QuotaHold(reserved=True, subjects=admitted.subjects, new=True)

    def _prepare(
        self, channel: ChannelRecord, command: SendMessage, to: str
    ) -> tuple[Provider, str, dict[str, Any]]:
        provider = self._providers[channel.view.provider]
        sealed = channel.sealed.get("access_token")
        token = self._box.open(sealed) if sealed else ""
        return provider, token, cloud_body(command.message, to)

    async def _wait_for_resume(
        self,
        key: str,
        envelope: Envelope,
        command: SendMessage,
        record: SendRecord | None,
        now: datetime,
        channel: ChannelRecord,
        hold: QuotaHold,
    ) -> None:
        since = (record.first_error_at if record else None) or now
        if (now - since).total_seconds() > PAUSE_GIVE_UP:
            refused = Refusal(
                "NUMBER_PAUSED",
                f"the number stayed paused for a day: {channel.view.paused_reason}",
                channel.view.paused_remedy,
                retryable=True,
            )
            held = failed_record(record, now, refused).model_copy(
                update={"quota_reserved": hold.reserved, "quota_subjects": hold.subjects}
            )
            await self._outcomes.settle(key, envelope, command, held)
            return
        waiting = SendRecord(
            state="waiting",
            at=now,
            attempt=record.attempt if record else 0,
            channel_id=channel.channel_id,
            code="NUMBER_PAUSED",
            reason=channel.view.paused_reason,
            first_error_at=since,
            quota_reserved=hold.reserved,
            quota_subjects=hold.subjects,
        )
        await self._ledger.settle(key, waiting)
        raise RetryLater(self._settings.pause_recheck, "number paused")

    async def _target(
        self, workspace_id: str, command: SendMessage
    ) -> tuple[ChannelRecord | None, SendTarget]:
        conversation = await self._conversations.get(workspace_id, command.contact_id)
        to = command.to or (conversation.wa_id if conversation else "")
        channel_id = command.channel_id or (conversation.channel_id if conversation else "")
        channel = await self._channel(workspace_id, channel_id)
        target = SendTarget(
            channel_found=channel is not None,
            channel_status=channel.view.status if channel else "",
            to=to.lstrip("+") if to.startswith("+") else to,
            opted_out=bool(conversation and conversation.opted_out),
            last_inbound_at=conversation.last_inbound_at if conversation else None,
        )
        return channel, target

    async def _channel(self, workspace_id: str, channel_id: str) -> ChannelRecord | None:
        if channel_id:
            return await self._channels.cached(workspace_id, channel_id)
        # No conversation and no channel named: the workspace's first active number.
        found = await self._channels.first_active(workspace_id)
        return found or await self._default_channel(workspace_id)

    async def _rate(self, workspace_id: str, channel: ChannelRecord, now: datetime) -> float:
        configured = channel.view.messages_per_second
        if channel.view.warmup:
            configured = warmup_rate(configured, channel.days_connected(now))
        factor = await self._rate_factor(workspace_id, channel.channel_id)
        return max(0.1, configured * factor)
