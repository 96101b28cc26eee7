"""Fired timers become execution inputs: a DeliverTimer on `exec.cmd.<ws>.<execution_id>`.

The schedule was made by the effects consumer with the DeliverTimer envelope as its payload; the
timer id names its execution, and a stale timer (its wait already over) decides nothing.
"""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.executions.inputs import DeliverTimer
from parley.contracts.registry import registry
from parley.contracts.streams import TIMERS
from parley.flow_engine.domain.execution.interpreter import execution_of
from parley.flow_engine.handlers.consumers import engine_consumer
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.runtime import timers

CONSUMER = engine_consumer(TIMERS.name, "execution-timers", timers.fire_filter("exec"))


class ExecutionTimers:
    def __init__(self, nc: NatsClient) -> None:
        self._nc = nc

    async def handle(self, msg: Msg) -> None:
        envelope = Envelope.from_bytes(msg.data)
        timer = registry.decode(envelope)
        if not isinstance(timer, DeliverTimer):
            raise TypeError(f"{envelope.type} fired on {msg.subject}; expected exec.DeliverTimer")
        await self._nc.jetstream().publish(
            input_subject(envelope.workspace_id, execution_of(timer.timer_id)),
            msg.data,
            headers={"Nats-Msg-Id": f"timer:{timer.timer_id}"},
        )
