"""Executions on the real event store: appends, redeliveries, racing inputs."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot, MessageSendRequested
from parley.contracts.executions.inputs import DeliverReply, StartExecution
from parley.contracts.registry import registry
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.execution import ExecutionDecider, ExecutionInput
from parley.flow_engine.testing.graphs import welcome
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.streams import ensure_stream

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
WS = "ws-store"


async def deliver(store: EventStore, subject: str, cause: Envelope) -> None:
    """What the engine's input consumer does with one delivered input."""
    message = registry.decode(cause)
    assert isinstance(message, StartExecution | DeliverReply)
    await execute(store, subject, ExecutionDecider(), message, cause=cause)


async def test_an_execution_runs_on_the_event_store_and_redeliveries_send_nothing_twice(
    nc: NatsClient,
) -> None:
    await ensure_stream(nc.jetstream(), FLOW_ENGINE)
    store = EventStore(nc, FLOW_ENGINE.name)
    execution_id = f"e-{uuid.uuid4().hex[:12]}"
    subject = event_subject("exec", WS, execution_id)
    inputs: list[ExecutionInput] = [
        StartExecution(
            execution_id=execution_id,
            flow_id="welcome",
            flow_version=1,
            graph=welcome(),
            contact=ContactSnapshot(contact_id="c1", name="Ada"),
            trigger="keyword",
            at=T0,
        ),
        DeliverReply(text="30", at=T0 + timedelta(minutes=1)),
    ]
    start, reply = (Envelope.wrap(i, workspace_id=WS) for i in inputs)
    # Each input is delivered three times at once, as redeliveries to two engines could: the
    # racing appends conflict, the losers reload, see the input applied, and decide nothing.
    await asyncio.gather(*(deliver(store, subject, start) for _ in range(3)))
    await asyncio.gather(*(deliver(store, subject, reply) for _ in range(3)))
    await deliver(store, subject, start)  # and once more, long after

    stored = await store.load(subject)
    sends = [e.message for e in stored if isinstance(e.message, MessageSendRequested)]
    assert [s.message["body"] for s in sends] == ["Hello Ada!", "Welcome aboard"]
    assert len({s.command_id for s in sends}) == 2
    decider = ExecutionDecider()
    state = decider.initial_state()
    for event in stored:
        state = decider.evolve(state, event.message)
    assert state.status == "completed"
    assert state.variables == {"age": 30}
