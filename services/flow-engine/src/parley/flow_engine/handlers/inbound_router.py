"""Routes what messaging reports to executions: inbound messages and delivery statuses.

An inbound message goes, in this order (see `domain.triggers` for the matching rules):
1. to the execution holding the contact's conversation: as a reply to the one waiting for it,
   or nowhere while a person has the conversation (handover);
2. else to the flows its triggers select: each starts a new execution. The execution id derives
   from the message id and the flow.
The decision is remembered per message id (`RoutingLog`), so a redelivered message repeats it
instead of being taken, say, for the reply the execution it just started is waiting for.
A delivery status of a message a flow sent is recorded in that execution's log.
"""

from __future__ import annotations

import uuid

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import DeliverMessageStatus, DeliverReply, StartExecution
from parley.contracts.messaging.events import (
    STATUS_OF,
    InboundMessageReceived,
    MessageDelivered,
    MessageFailed,
    MessageRead,
    MessageSent,
)
from parley.contracts.registry import registry
from parley.contracts.streams import MESSAGING
from parley.flow_engine.adapters.contact_index import ContactIndex
from parley.flow_engine.adapters.published_flows import PublishedFlows
from parley.flow_engine.adapters.routing_log import Routing, RoutingLog, Start
from parley.flow_engine.domain.triggers import ButtonReply, InboundText, select_flows
from parley.flow_engine.handlers.consumers import engine_consumer, event_type
from parley.flow_engine.handlers.execution_inputs import ExecutionRunner, input_subject
from parley.runtime.logs import get_logger

log = get_logger("parley.flow_engine.routing")

# Inbound messages of one contact share a subject, so lanes keep each conversation in order.
CONSUMER = engine_consumer(MESSAGING.name, "flow-engine-inbound", "messaging.evt.>")

_STATUSES = (MessageSent, MessageDelivered, MessageRead, MessageFailed)
_ROUTED = frozenset({InboundMessageReceived.wire_name, *(status.wire_name for status in _STATUSES)})
_EXECUTIONS = uuid.UUID("5d0f3c7e-2f5e-4b8a-9a51-0c3e7f1b2d64")


def triggered_execution_id(workspace_id: str, message_id: str, flow_id: str) -> str:
    return "x" + uuid.uuid5(_EXECUTIONS, f"{workspace_id}/{message_id}/{flow_id}").hex


class InboundRouter:
    def __init__(
        self,
        nc: NatsClient,
        holds: ContactIndex,
        flows: PublishedFlows,
        routed: RoutingLog,
        runner: ExecutionRunner,
    ) -> None:
        self._nc = nc
        self._holds = holds
        self._flows = flows
        self._log = routed
        self._runner = runner

    async def handle(self, msg: Msg) -> None:
        if event_type(msg) not in _ROUTED:
            return
        envelope = Envelope.from_bytes(msg.data)
        event = registry.decode(envelope)
        if isinstance(event, InboundMessageReceived):
            await self._route(envelope, event, first_delivery=msg.metadata.num_delivered == 1)
        elif isinstance(event, _STATUSES) and event.execution_id:
            status = DeliverMessageStatus(
                command_id=event.command_id,
                status=STATUS_OF[type(event)],
                provider_message_id=event.provider_message_id,
                code=event.code if isinstance(event, MessageFailed) else "",
                reason=event.reason if isinstance(event, MessageFailed) else "",
                at=event.at,
            )
            await self._publish(
                envelope.workspace_id,
                event.execution_id,
                envelope.caused(status),
                f"status:{event.command_id}:{status.status}",
            )

    async def _route(
        self, envelope: Envelope, inbound: InboundMessageReceived, *, first_delivery: bool
    ) -> None:
        ws = envelope.workspace_id
        routing = await self._log.once(
            ws,
            inbound.message_id,
            lambda: self._decide(ws, inbound),
            first_delivery=first_delivery,
        )
        if routing.held_by is not None:
            log.info(
                "inbound left to the person handling the contact",
                execution_id=routing.held_by,
                contact_id=inbound.contact_id,
            )
        elif routing.reply_to is not None:
            reply = DeliverReply(text=inbound.text, button_id=inbound.button_id, at=inbound.at)
            await self._publish(
                ws, routing.reply_to, envelope.caused(reply), f"reply:{inbound.message_id}"
            )
        elif not routing.starts:
            log.info("no flow started", contact_id=inbound.contact_id, reason=routing.reason)
        for start in routing.starts:
            await self._start(envelope, inbound, start)

    async def _decide(self, ws: str, inbound: InboundMessageReceived) -> Routing:
        hold = await self._holds.holder(ws, inbound.contact_id)
        if hold is not None and hold.kind == "handover":
            return Routing(held_by=hold.execution_id, reason="handed over to a person")
        if hold is not None:
            return Routing(reply_to=hold.execution_id, reason="reply to the waiting execution")
        stimulus = (
            ButtonReply(inbound.button_id, inbound.text, inbound.first_message)
            if inbound.button_id
            else InboundText(inbound.text, inbound.first_message)
        )
        candidates = await self._flows.candidates(ws)
        selection = select_flows(stimulus, candidates, waiting_execution=False)
        starts = tuple(
            Start(
                triggered_execution_id(ws, inbound.message_id, match.flow_id),
                match.flow_id,
                match.version,
                match.trigger_kind,
            )
            for match in selection.flows
        )
        return Routing(starts=starts, reason=selection.reason)

    async def _start(
        self, envelope: Envelope, inbound: InboundMessageReceived, start: Start
    ) -> None:
        ws = envelope.workspace_id
        graph = await self._flows.graph(ws, start.flow_id, start.version)
        if graph is None:
            raise LookupError(f"flow {start.flow_id} v{start.version} is not in the read model")
        command = StartExecution(
            execution_id=start.execution_id,
            flow_id=start.flow_id,
            flow_version=start.version,
            graph=graph,
            contact=ContactSnapshot(
                contact_id=inbound.contact_id, name=inbound.profile_name, phone=inbound.phone
            ),
            trigger=start.trigger,
            reply={"text": inbound.text, "button_id": inbound.button_id},
            at=inbound.at,
        )
        # Started here rather than sent through `exec.cmd`: one hop less for every new run. A
        # redelivered message finds the execution started and decides nothing.
        await self._runner.apply(ws, start.execution_id, command, envelope.caused(command))

    async def _publish(self, ws: str, execution_id: str, command: Envelope, msg_id: str) -> None:
        await self._nc.jetstream().publish(
            input_subject(ws, execution_id), command.to_bytes(), headers={"Nats-Msg-Id": msg_id}
        )
