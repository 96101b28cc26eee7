"""Execution inputs: each command on `exec.cmd.<ws>.<execution_id>` is decided and appended.

Redelivery is safe: event ids derive from the input's envelope id, and an input already applied
decides nothing on reload. Two engine processes sharing this durable consumer never take the
same message at once, and if they race on one execution, the expected-sequence append lets one
win and the other reload and decide again.

`ExecutionRunner` is that decide-append-index step on its own, so the inbound router can start a
triggered execution directly rather than through one more hop of the stream.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import get_args

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import command_subject, event_subject
from parley.flow_engine.adapters.contact_index import ContactIndex, HoldKind
from parley.flow_engine.domain.execution import Execution, ExecutionDecider, ExecutionRefused
from parley.flow_engine.domain.execution.decide import ExecutionInput
from parley.flow_engine.handlers.consumers import engine_consumer
from parley.flow_engine.metrics import FlowEngineMetrics
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.logs import get_logger

log = get_logger("parley.flow_engine.inputs")

CONSUMER = engine_consumer(FLOW_ENGINE.name, "execution-inputs", "exec.cmd.>")

_INPUTS = get_args(ExecutionInput)  # every input type, from the one union that lists them


def input_subject(workspace_id: str, execution_id: str) -> str:
    # Checked tokens: the ids often come from other services' events.
    return command_subject("exec", workspace_id, execution_id)


def hold_of(state: Execution) -> tuple[HoldKind, datetime] | None:
    """What the execution holds of its contact's conversation, if anything."""
    waiting = state.waiting
    if waiting is None or state.since is None:
        return None
    if waiting.kind == "reply":
        return ("reply", state.since)
    if waiting.kind == "handover":
        return ("handover", state.since)
    return None


class ExecutionRunner:
    def __init__(
        self, nc: NatsClient, holds: ContactIndex, metrics: FlowEngineMetrics | None = None
    ) -> None:
        self._store = EventStore(nc, FLOW_ENGINE.name)
        self._holds = holds
        self._decider = ExecutionDecider()
        self._metrics = metrics

    async def apply(
        self, workspace_id: str, execution_id: str, command: ExecutionInput, cause: Envelope
    ) -> None:
        """Decide `command` (carried by `cause`) on the execution, append, update its hold."""
        subject = event_subject("exec", workspace_id, execution_id)
        started = time.perf_counter()
        try:
            outcome = await execute(self._store, subject, self._decider, command, cause=cause)
        except ExecutionRefused as refused:
            # A support operation that does not apply: recorded in the log line, not retried.
            log.warning(
                "input refused",
                execution_id=execution_id,
                code=refused.code,
                reason=str(refused),
                input=cause.type,
            )
            return
        if self._metrics is not None:
            self._metrics.applied(cause.type, time.perf_counter() - started, outcome.events)
        before, after = hold_of(outcome.before), hold_of(outcome.state)
        # Nothing decided may be the redelivery of an input whose append landed before a crash
        # and whose index update did not: set the index from the state then too.
        contact_id = outcome.state.contact.contact_id
        if (before != after or not outcome.events) and contact_id:
            await self._holds.set(workspace_id, contact_id, execution_id, after)


class ExecutionInputs:
    def __init__(self, runner: ExecutionRunner) -> None:
        self._runner = runner

    async def handle(self, msg: Msg) -> None:
        envelope = Envelope.from_bytes(msg.data)
        command = registry.decode(envelope)
        if not isinstance(command, _INPUTS):
            raise TypeError(f"{envelope.type} is not an execution input")
        execution_id = msg.subject.split(".")[3]
        await self._runner.apply(envelope.workspace_id, execution_id, command, envelope)
