"""Execution inputs: each command on `exec.cmd.<ws>.<execution_id>` is decided and appended.

Redelivery is safe: event ids derive from the input's envelope id, and an input already applied
decides nothing on reload. Two engine processes sharing this durable consumer never take the
same message at once, and if they race on one execution, the expected-sequence append lets one
win and the other reload and decide again.
"""

from __future__ import annotations

from typing import get_args

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.registry import registry
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.execution import ExecutionDecider, ExecutionRefused
from parley.flow_engine.domain.execution.decide import ExecutionInput
from parley.flow_engine.handlers.consumers import engine_consumer
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.logs import get_logger

log = get_logger("parley.flow_engine.inputs")

CONSUMER = engine_consumer(FLOW_ENGINE.name, "execution-inputs", "exec.cmd.>")

_INPUTS = get_args(ExecutionInput)  # every input type, from the one union that lists them


def input_subject(workspace_id: str, execution_id: str) -> str:
    return f"exec.cmd.{workspace_id}.{execution_id}"


class ExecutionInputs:
    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc
        self._decider = ExecutionDecider()

    async def handle(self, msg: Msg) -> None:
        envelope = Envelope.from_bytes(msg.data)
        command = registry.decode(envelope)
        if not isinstance(command, _INPUTS):
            raise TypeError(f"{envelope.type} is not an execution input")
        execution_id = msg.subject.split(".")[3]
        subject = event_subject("exec", envelope.workspace_id, execution_id)
        store = EventStore(self._nc, FLOW_ENGINE.name)
        try:
            await execute(store, subject, self._decider, command, cause=envelope)
        except ExecutionRefused as refused:
            # A support operation that does not apply: recorded in the log line, not retried.
            log.warning(
                "input refused",
                execution_id=execution_id,
                code=refused.code,
                reason=str(refused),
                input=envelope.type,
            )
