"""Execution effects: the execution log is the outbox.

This consumer reads every event appended to `exec.evt.>` and carries out what it asks for:
SendMessage commands to messaging, durable timers for waits, HTTP calls whose answers come back
as inputs. Each effect is idempotent (a Nats-Msg-Id derived from the event, a timer rolled up by
its id), so a crash between an append and its effect only delays the effect; it is never lost
and never doubled.
"""

from __future__ import annotations

from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import (
    DelayStarted,
    ExternalCallRequested,
    MessageSendRequested,
    WaitingForReply,
)
from parley.contracts.executions.inputs import DeliverExternalAnswer, DeliverTimer
from parley.contracts.messaging.commands import SendMessage, command_token
from parley.contracts.registry import registry
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import command_subject
from parley.flow_engine.adapters import http_calls
from parley.flow_engine.handlers.consumers import engine_consumer
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.runtime import timers
from parley.runtime.logs import get_logger
from parley.runtime.outbound import OutboundPolicy

log = get_logger("parley.flow_engine.effects")

CONSUMER = engine_consumer(FLOW_ENGINE.name, "execution-effects", "exec.evt.>")


class ExecutionEffects:
    def __init__(self, nc: NatsClient, outbound: OutboundPolicy) -> None:
        self._nc = nc
        self._outbound = outbound

    async def handle(self, msg: Msg) -> None:
        envelope = Envelope.from_bytes(msg.data)
        event = registry.decode(envelope)
        execution_id = msg.subject.split(".")[3]
        js = self._nc.jetstream()
        if isinstance(event, MessageSendRequested):
            command = SendMessage(
                command_id=event.command_id,
                contact_id=event.contact_id,
                message=event.message,
                execution_id=execution_id,
                node_id=event.node_id,
            )
            await js.publish(
                command_subject(
                    "messaging", envelope.workspace_id, command_token(event.command_id)
                ),
                envelope.caused(command).to_bytes(),
                headers={"Nats-Msg-Id": event.command_id},
            )
        elif isinstance(event, WaitingForReply | DelayStarted):
            fire_at = event.timeout_at if isinstance(event, WaitingForReply) else event.until
            fired = envelope.caused(DeliverTimer(timer_id=event.timer_id, at=fire_at))
            await timers.schedule(
                js, context="exec", timer_id=event.timer_id, fire_at=fire_at, envelope=fired
            )
        elif isinstance(event, ExternalCallRequested):
            if event.call == "http":
                answer = await http_calls.call(event, at=datetime.now(UTC), policy=self._outbound)
            else:
                # ai-rag does not answer questions yet (issue 9): fail visibly, so the node takes
                # its error port with this reason in the timeline instead of waiting forever.
                answer = DeliverExternalAnswer(
                    request_id=event.request_id,
                    ok=False,
                    at=datetime.now(UTC),
                    result={"error": "AI answers are not available yet in this deployment"},
                )
            await js.publish(
                input_subject(envelope.workspace_id, execution_id),
                envelope.caused(answer).to_bytes(),
                headers={"Nats-Msg-Id": f"answer:{event.request_id}"},
            )
