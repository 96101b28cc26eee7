"""Driving the running engine in tests: publish flows, start executions, collect what it sends.

Shared by the engine's routing tests and those of the crm reactions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import StartExecution
from parley.contracts.flows.commands import CreateFlow, PublishFlow
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.registry import registry
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.flow import FlowCommand, FlowDecider
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.testing.plugin import eventually

Collected = list[Message]


async def collect(js: JetStreamContext, subject: str) -> Collected:
    seen: Collected = []

    async def keep(msg: Any) -> None:
        seen.append(registry.decode(Envelope.from_bytes(msg.data)))

    await js.subscribe(subject, cb=keep, ordered_consumer=True)
    return seen


async def flow_command(nc: NatsClient, ws: str, flow_id: str, command: FlowCommand) -> None:
    cause = Envelope.wrap(command, workspace_id=ws)
    store = EventStore(nc, FLOW_ENGINE.name)
    await execute(store, event_subject("flow", ws, flow_id), FlowDecider(), command, cause=cause)


async def publish_flow(nc: NatsClient, ws: str, flow_id: str, flow: FlowGraph) -> None:
    await flow_command(nc, ws, flow_id, CreateFlow(flow_id=flow_id, name=flow_id, graph=flow))
    await flow_command(nc, ws, flow_id, PublishFlow())


async def until_taken(act: Callable[[], Awaitable[object]], done: Callable[[], bool]) -> None:
    """Repeat `act` until `done`: a flow just published reaches the read model (and the routing
    cache) a moment later, so the first messages may find nothing to start."""
    for _ in range(50):
        await act()
        try:
            await eventually(done, timeout=0.5)
            return
        except AssertionError:
            continue
    raise AssertionError("the action never took effect")


def bodies(sent: Collected) -> list[str]:
    return [str(m.message.get("body")) for m in sent if isinstance(m, SendMessage)]


def has(sent: Collected, count: int) -> Callable[[], bool]:
    return lambda: len(sent) >= count


async def start(js: JetStreamContext, ws: str, execution_id: str, flow: FlowGraph) -> None:
    command = StartExecution(
        execution_id=execution_id,
        flow_id="f",
        flow_version=1,
        graph=flow,
        contact=ContactSnapshot(contact_id="c-1", name="Ada"),
        trigger="api",
        at=datetime.now(UTC),
    )
    await js.publish(
        input_subject(ws, execution_id), Envelope.wrap(command, workspace_id=ws).to_bytes()
    )
