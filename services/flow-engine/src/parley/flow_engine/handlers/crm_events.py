"""What crm reports, as the flow engine acts on it.

- A tag added to a contact starts the published flows whose `tag_added` trigger names it (the
  same selection rules as any trigger; the execution id derives from crm's event and the flow,
  so a redelivered event starts nothing twice).
- A contact who opts out has their running executions cancelled: messaging would refuse every
  later send anyway, but a cancelled run says why it stopped, and its timers and waits end.
"""

from __future__ import annotations

import uuid

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from parley.contracts.crm.events import ContactOptedOut, ContactTagsChanged
from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import CancelExecution, StartExecution
from parley.contracts.registry import registry
from parley.contracts.streams import CRM
from parley.flow_engine.adapters.published_flows import PublishedFlows
from parley.flow_engine.domain.triggers import TagAdded, select_flows
from parley.flow_engine.handlers.consumers import engine_consumer
from parley.flow_engine.handlers.execution_inputs import ExecutionRunner, input_subject
from parley.runtime.eventstore.commits import handled_envelopes
from parley.runtime.logs import get_logger

log = get_logger("parley.flow_engine.crm_events")

# A contact's events share a subject, so lanes keep each contact's tags and consent in order.
CONSUMER = engine_consumer(CRM.name, "flow-engine-crm", "crm.evt.>")

_HANDLED = frozenset({ContactTagsChanged.wire_name, ContactOptedOut.wire_name})
_EXECUTIONS = uuid.UUID("0b6f6c2e-8d4a-4f0e-b7a3-6a1d2c9e5f47")


def tag_execution_id(workspace_id: str, event_id: str, flow_id: str) -> str:
    return "t" + uuid.uuid5(_EXECUTIONS, f"{workspace_id}/{event_id}/{flow_id}").hex


class CrmEvents:
    def __init__(
        self,
        nc: NatsClient,
        engine: AsyncEngine,
        schema: str,
        flows: PublishedFlows,
        runner: ExecutionRunner,
    ) -> None:
        self._nc = nc
        self._engine = engine
        self._schema = schema
        self._flows = flows
        self._runner = runner

    async def handle(self, msg: Msg) -> None:
        # A contact's change may be a commit of several events (created, tagged, opted in).
        for envelope in handled_envelopes(msg.headers, msg.data, _HANDLED):
            event = registry.decode(envelope)
            if isinstance(event, ContactTagsChanged):
                await self._tagged(envelope, event)
            elif isinstance(event, ContactOptedOut):
                await self._opted_out(envelope, event)

    async def _tagged(self, envelope: Envelope, event: ContactTagsChanged) -> None:
        ws = envelope.workspace_id
        candidates = await self._flows.candidates(ws)
        for tag in event.added:
            selection = select_flows(TagAdded(tag), candidates, waiting_execution=False)
            for match in selection.flows:
                graph = await self._flows.graph(ws, match.flow_id, match.version)
                if graph is None:
                    raise LookupError(f"flow {match.flow_id} v{match.version} is not loaded yet")
                execution_id = tag_execution_id(ws, str(envelope.event_id), match.flow_id)
                command = StartExecution(
                    execution_id=execution_id,
                    flow_id=match.flow_id,
                    flow_version=match.version,
                    graph=graph,
                    contact=ContactSnapshot(contact_id=event.contact_id),
                    trigger=match.trigger_kind,
                    variables={"tag": tag},
                    at=event.at,
                )
                await self._runner.apply(ws, execution_id, command, envelope.caused(command))
                log.info(
                    "flow started by a tag",
                    flow_id=match.flow_id,
                    tag=tag,
                    contact_id=event.contact_id,
                    execution_id=execution_id,
                )

    async def _opted_out(self, envelope: Envelope, event: ContactOptedOut) -> None:
        ws = envelope.workspace_id
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                text(
                    f'SELECT execution_id FROM "{self._schema}".executions'
                    " WHERE workspace_id = :ws AND contact_id = :contact"
                    " AND status IN ('running', 'waiting')"
                ),
                {"ws": ws, "contact": event.contact_id},
            )
            running = [row.execution_id for row in rows]
        js = self._nc.jetstream()
        for execution_id in running:
            cancel = CancelExecution(reason="the contact opted out", by="crm", at=event.at)
            await js.publish(
                input_subject(ws, execution_id),
                envelope.caused(cancel).to_bytes(),
                headers={"Nats-Msg-Id": f"optout:{envelope.event_id}:{execution_id}"},
            )
