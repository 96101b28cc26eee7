"""Execution effects: the execution log is the outbox.

This consumer reads every event appended to `exec.evt.>` and carries out what it asks for:
SendMessage to messaging, UpdateContact to crm, AnswerQuestion to ai-rag, durable timers for
waits, deadlines and retries, and the start of the flow a Jump node names. Each effect is
idempotent (a Nats-Msg-Id derived from the event, a timer rolled up by its id, a deterministic
execution id), so a crash between an append and its effect only delays the effect; it is never
lost and never doubled. HTTP calls are the one effect not made here: they can take seconds, so
they are forwarded to `exec.call.<ws>.<request>`, where their own consumer (`external_http`)
makes them without holding up everyone's messages.

An AI question first takes one `ai_answers` unit of the plan (`Quotas.reserve`, keyed by the
request id, so a redelivered event takes it once). Refused, the question is not asked: the
refusal goes back to the execution as a failed, final answer (DeliverExternalAnswer with the
limit's words as the error), so the node takes its error path and the log records why, like
any other answer; a replay reads it back from the log and never asks the plan again.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from parley.contracts.ai.commands import AnswerQuestion
from parley.contracts.billing.entitlements import AI_ANSWERS
from parley.contracts.crm.commands import UpdateContact
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import (
    ContactUpdateRequested,
    DelayStarted,
    ExternalCallFailed,
    ExternalCallRequested,
    FlowJumpRequested,
    MessageSendRequested,
    WaitingForReply,
)
from parley.contracts.executions.inputs import DeliverExternalAnswer, DeliverTimer, StartExecution
from parley.contracts.messages import Message
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import command_subject, command_token
from parley.flow_engine.adapters.published_flows import PublishedFlows
from parley.flow_engine.handlers.consumers import engine_consumer, event_types
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.flow_engine.handlers.external_http import call_subject
from parley.runtime import timers
from parley.runtime.eventstore import decode_stored
from parley.runtime.logs import get_logger
from parley.runtime.quotas import LimitReached, Quotas

log = get_logger("parley.flow_engine.effects")

CONSUMER = engine_consumer(FLOW_ENGINE.name, "execution-effects", "exec.evt.>")

# Most events of a run are bookkeeping (NodeEntered, ConditionEvaluated...): they are skipped on
# their type header without decoding the payload.
EFFECTFUL = frozenset(
    cls.wire_name
    for cls in (
        MessageSendRequested,
        ContactUpdateRequested,
        WaitingForReply,
        DelayStarted,
        ExternalCallRequested,
        ExternalCallFailed,
        FlowJumpRequested,
    )
)
_JUMPS = uuid.UUID("0b1c5f0e-6a43-4d38-9b0e-2a6b3f1d7c55")


def jump_execution_id(execution_id: str, node_id: str) -> str:
    """The id of the run a Jump starts: one per jumping execution and node, on every retry."""
    return "x" + uuid.uuid5(_JUMPS, f"{execution_id}/{node_id}").hex


class ExecutionEffects:
    def __init__(self, nc: NatsClient, flows: PublishedFlows, quotas: Quotas | None = None) -> None:
        self._nc = nc
        self._flows = flows
        self._quotas = quotas

    async def handle(self, msg: Msg) -> None:
        if EFFECTFUL.isdisjoint(event_types(msg)):
            return
        execution_id = msg.subject.split(".")[3]
        stored = decode_stored(msg.metadata.sequence.stream, msg.subject, msg.data)
        for event in stored:  # in order: a commit's effects leave in the order decided
            if event.envelope.type in EFFECTFUL:
                await self._carry_out(event.envelope, event.message, execution_id)

    async def _carry_out(self, envelope: Envelope, event: Message, execution_id: str) -> None:
        js = self._nc.jetstream()
        ws = envelope.workspace_id
        if isinstance(event, MessageSendRequested):
            command: Message = SendMessage(
                command_id=event.command_id,
                contact_id=event.contact_id,
                message=event.message,
                execution_id=execution_id,
                node_id=event.node_id,
            )
            await _send(js, "messaging", ws, event.command_id, envelope.caused(command))
        elif isinstance(event, ContactUpdateRequested):
            command = UpdateContact(
                command_id=event.command_id,
                contact_id=event.contact_id,
                add_tags=event.add_tags,
                remove_tags=event.remove_tags,
                set_fields=event.set_fields,
                execution_id=execution_id,
                node_id=event.node_id,
            )
            await _send(js, "crm", ws, event.command_id, envelope.caused(command))
        elif isinstance(event, WaitingForReply):
            await _timer(js, envelope, event.timer_id, event.timeout_at)
        elif isinstance(event, DelayStarted):
            await _timer(js, envelope, event.timer_id, event.until)
        elif isinstance(event, ExternalCallFailed):
            await _timer(js, envelope, event.retry_timer_id, event.retry_at)
        elif isinstance(event, ExternalCallRequested) and event.call == "ai":
            await self._ask(js, envelope, event, execution_id)
        elif isinstance(event, ExternalCallRequested):
            await js.publish(
                call_subject(ws, event.request_id),
                envelope.to_bytes(),
                headers={"Nats-Msg-Id": f"call:{event.request_id}"},
            )
        elif isinstance(event, FlowJumpRequested):
            await self._jump(js, envelope, event, execution_id)

    async def _ask(
        self,
        js: JetStreamContext,
        envelope: Envelope,
        event: ExternalCallRequested,
        execution_id: str,
    ) -> None:
        ws = envelope.workspace_id
        if self._quotas is not None:
            taken = await self._quotas.reserve(ws, AI_ANSWERS, key=event.request_id)
            if isinstance(taken, LimitReached):
                await self._refuse(js, envelope, event, execution_id, taken)
                return
        if event.timeout_at is not None:
            # Armed first: if ai-rag never answers, the node still moves on (retry, then error).
            await _timer(js, envelope, event.request_id, event.timeout_at)
        question = AnswerQuestion(
            request_id=event.request_id,
            question=str(event.request.get("question") or "").strip() or "(empty question)",
            knowledge_base_id=str(event.request.get("knowledge_base_id") or ""),
            execution_id=execution_id,
        )
        await _send(js, "ai", ws, event.request_id, envelope.caused(question))

    async def _refuse(
        self,
        js: JetStreamContext,
        envelope: Envelope,
        event: ExternalCallRequested,
        execution_id: str,
        limit: LimitReached,
    ) -> None:
        log.info(
            "ai question not asked: plan limit",
            execution_id=execution_id,
            request_id=event.request_id,
            reason=limit.detail,
        )
        answer = DeliverExternalAnswer(
            request_id=event.request_id,
            ok=False,
            retryable=False,  # another attempt would meet the same limit
            result={"error": limit.detail, "code": limit.code, "remedy": limit.remedy},
            at=datetime.now(UTC),
        )
        # The same id an answer from ai-rag would carry: only one of them ever counts.
        await js.publish(
            input_subject(envelope.workspace_id, execution_id),
            envelope.caused(answer).to_bytes(),
            headers={"Nats-Msg-Id": f"answer:{event.request_id}"},
        )

    async def _jump(
        self,
        js: JetStreamContext,
        envelope: Envelope,
        event: FlowJumpRequested,
        execution_id: str,
    ) -> None:
        latest = await self._flows.latest(envelope.workspace_id, event.target_flow)
        if latest is None or event.contact is None:
            log.warning(
                "jump target is not published or is archived; nothing started",
                execution_id=execution_id,
                target_flow=event.target_flow,
            )
            return
        version, graph = latest
        started = jump_execution_id(execution_id, event.node_id)
        start = StartExecution(
            execution_id=started,
            flow_id=event.target_flow,
            flow_version=version,
            graph=graph,
            contact=event.contact,
            trigger=f"jump from {execution_id}",
            at=envelope.occurred_at,
        )
        await js.publish(
            input_subject(envelope.workspace_id, started),
            envelope.caused(start).to_bytes(),
            headers={"Nats-Msg-Id": f"start:{started}"},
        )


async def _send(
    js: JetStreamContext, context: str, workspace_id: str, command_id: str, command: Envelope
) -> None:
    await js.publish(
        command_subject(context, workspace_id, command_token(command_id)),
        command.to_bytes(),
        headers={"Nats-Msg-Id": command_id},
    )


async def _timer(js: JetStreamContext, cause: Envelope, timer_id: str, at: datetime) -> None:
    fired = cause.caused(DeliverTimer(timer_id=timer_id, at=at))
    await timers.schedule(js, context="exec", timer_id=timer_id, fire_at=at, envelope=fired)
