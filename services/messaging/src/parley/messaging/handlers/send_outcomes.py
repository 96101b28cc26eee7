"""A send's outcome: written to the ledger, the plan's unit settled, then announced.

The order is the point. The ledger record comes first, so a redelivery after a crash finds the
outcome and announces it again instead of calling WhatsApp a second time. A unit of the plan's
message limit is given back only after the failure is written: a crash in between loses the
unit (the count is one too high) rather than giving it back twice (one too low). The event is
published last, deduplicated by command and state, so announcing again is harmless.

WhatsApp's refusals are read here too (`domain/errors.py` says what each code means): fail now,
pause the number, or retry with a backoff until the code's attempts run out.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.messages import Event
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.messaging.events import MessageFailed, MessageSent
from parley.contracts.subjects import event_subject
from parley.messaging.adapters.quota import MessageQuota
from parley.messaging.adapters.send_ledger import SendLedger, SendRecord
from parley.messaging.domain.channels import ChannelRecord
from parley.messaging.domain.errors import handling
from parley.messaging.domain.send_checks import Refusal
from parley.messaging.handlers.number_pauses import NumberPauses
from parley.messaging.metrics import MessagingMetrics
from parley.messaging.providers.base import Rejected
from parley.runtime.consumers import RetryLater

UNKNOWN_OUTCOME = "UNKNOWN_OUTCOME"  # the one failure that may have reached the customer


class SendOutcomes:
    def __init__(
        self,
        nc: NatsClient,
        *,
        ledger: SendLedger,
        quota: MessageQuota,
        pauses: NumberPauses,
        metrics: MessagingMetrics,
        pause_recheck: float,
    ) -> None:
        self._nc = nc
        self._ledger = ledger
        self._quota = quota
        self._pauses = pauses
        self._metrics = metrics
        self._pause_recheck = pause_recheck

    async def settle(
        self, key: str, envelope: Envelope, command: SendMessage, record: SendRecord
    ) -> None:
        """Write the final outcome, give back the plan's unit if it never reached WhatsApp,
        and announce it."""
        give_back = record.quota_subjects if gives_back(record) else ()
        if give_back:
            record = record.model_copy(update={"quota_subjects": ()})
        await self._ledger.settle(key, record)
        await self._quota.give_back(key, give_back)
        await self.announce(envelope, command, record)
        number = record.channel_id or "-"
        self._metrics.sends.labels(number, record.state, record.code or "ok").inc()

    async def announce(self, envelope: Envelope, command: SendMessage, record: SendRecord) -> None:
        """Publish MessageSent or MessageFailed for a settled record (again, if need be)."""
        common: dict[str, Any] = {
            "command_id": command.command_id,
            "contact_id": command.contact_id,
            "provider_message_id": record.provider_message_id,
            "execution_id": command.execution_id,
            "channel_id": record.channel_id,
            "at": record.at,
        }
        event: Event
        if record.state == "sent":
            event = MessageSent(**common)
        else:
            event = MessageFailed(
                **common,
                code=record.code or "FAILED",
                reason=record.reason or "not sent",
                retryable=record.retryable,
                remedy=record.remedy,
            )
        token = command_token(command.command_id)
        subject = event_subject("messaging", envelope.workspace_id, token)
        headers = {"Nats-Msg-Id": f"{envelope.workspace_id}.{token}:{record.state}"}
        await self._nc.jetstream().publish(
            subject, envelope.caused(event).to_bytes(), headers=headers
        )

    async def rejected(
        self,
        key: str,
        envelope: Envelope,
        command: SendMessage,
        calling: SendRecord,
        channel: ChannelRecord,
        result: Rejected,
    ) -> None:
        """WhatsApp refused the call: fail, pause the number, or retry, as the code says."""
        what = handling(result.code)
        code = str(result.code)
        reason = f"{what.reason} ({result.code}{': ' + result.details if result.details else ''})"
        if what.action == "fail":
            failed = calling.model_copy(
                update={
                    "state": "failed",
                    "at": datetime.now(UTC),
                    "code": code,
                    "reason": reason[:1000],
                    "remedy": what.remedy,
                }
            )
            await self.settle(key, envelope, command, failed)
            return
        if what.action == "pause_number":
            await self._pauses.pause(envelope, channel, code, what.reason, what.remedy)
            waiting = calling.model_copy(
                update={"state": "waiting", "at": datetime.now(UTC), "code": code}
                | {"reason": reason[:1000], "attempt": calling.attempt - 1}
            )
            await self._ledger.settle(key, waiting)
            raise RetryLater(self._pause_recheck, f"number paused ({code})")
        delay = what.delay(calling.attempt) * random.uniform(0.75, 1.25)
        await self.retry_or_fail(
            key, envelope, command, calling, code, reason, delay, what.attempts, what.remedy
        )

    async def retry_or_fail(
        self,
        key: str,
        envelope: Envelope,
        command: SendMessage,
        calling: SendRecord,
        code: str,
        reason: str,
        delay: float,
        attempts: int,
        remedy: str = "",
    ) -> None:
        """Wait and try again, or, past `attempts`, fail as retryable (the user may resend)."""
        now = datetime.now(UTC)
        if calling.attempt > attempts:
            failed = calling.model_copy(
                update={"state": "failed", "at": now, "code": code, "retryable": True}
                | {"reason": f"{reason}; gave up after {calling.attempt} attempts"[:1000]}
                | {"remedy": remedy or "Try again later."}
            )
            await self.settle(key, envelope, command, failed)
            return
        waiting = calling.model_copy(
            update={"state": "waiting", "at": now, "code": code, "reason": reason[:1000]}
            | {"first_error_at": calling.first_error_at or now}
        )
        await self._ledger.settle(key, waiting)
        raise RetryLater(delay, f"{code}: retry {calling.attempt} in {delay:.1f}s")


def gives_back(record: SendRecord) -> bool:
    """A failed send that never reached WhatsApp frees its unit of the plan's limit."""
    return record.state == "failed" and record.code != UNKNOWN_OUTCOME


def unknown_outcome(record: SendRecord, now: datetime, why: str) -> SendRecord:
    """The record of a call whose result is unknown: WhatsApp may or may not have the message,
    and sending again could reach the customer twice, so the user is told to look first."""
    return record.model_copy(
        update={
            "state": "failed",
            "at": now,
            "code": UNKNOWN_OUTCOME,
            "reason": f"{why}; the message may or may not have been delivered"[:1000],
            "remedy": "Check the conversation before sending it again.",
        }
    )


def failed_record(
    record: SendRecord | None, now: datetime, refused: Refusal, *, channel_id: str = ""
) -> SendRecord:
    """The record of a send refused before any call (no channel, opted out, over the plan)."""
    return SendRecord(
        state="failed",
        at=now,
        channel_id=channel_id or (record.channel_id if record else ""),
        attempt=record.attempt if record else 0,
        code=refused.code,
        reason=refused.reason,
        remedy=refused.remedy,
        retryable=refused.retryable,
        # A send refused on a later delivery (opted out meanwhile ...) gives its unit back.
        quota_reserved=record.quota_reserved if record else False,
        quota_subjects=record.quota_subjects if record else (),
    )
