"""HTTP nodes' requests, made by their own consumer of `exec.call.>`.

The effects consumer forwards each HTTP `ExternalCallRequested` event, as stored, to
`exec.call.<ws>.<request_id>`, so this consumer sees only calls, not every event of every run.

A call can take up to its node's timeout (30 s at most), so it runs here rather than in the
effects consumer, where it would hold up every other execution's messages. Lanes let many calls
wait side by side; the ack deadline outlasts the longest call, so a slow call is not handed to
another replica while it is still running. A crash mid-call means the call is made again on
redelivery (at least once, like any webhook); its answer is recorded once, by request id.
"""

from __future__ import annotations

from datetime import UTC, datetime

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ExternalCallRequested
from parley.contracts.registry import registry
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import token
from parley.flow_engine.adapters import http_calls
from parley.flow_engine.domain.execution.interpreter import execution_of
from parley.flow_engine.handlers.consumers import engine_consumer
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.runtime.outbound import OutboundPolicy

CALL_LANES = 32
CONSUMER = engine_consumer(
    FLOW_ENGINE.name, "http-calls", "exec.call.>", lanes=CALL_LANES, ack_wait=60.0
)


def call_subject(workspace_id: str, request_id: str) -> str:
    return f"exec.call.{token('workspace_id', workspace_id)}.{token('id', request_id)}"


class ExternalHttp:
    def __init__(self, nc: NatsClient, policy: OutboundPolicy) -> None:
        self._nc = nc
        self._policy = policy

    async def handle(self, msg: Msg) -> None:
        envelope = Envelope.from_bytes(msg.data)
        event = registry.decode(envelope)
        if not isinstance(event, ExternalCallRequested) or event.call != "http":
            raise TypeError(f"{envelope.type} on {msg.subject} is not an HTTP call")
        answer = await http_calls.call(event, at=datetime.now(UTC), policy=self._policy)
        await self._nc.jetstream().publish(
            input_subject(envelope.workspace_id, execution_of(event.request_id)),
            envelope.caused(answer).to_bytes(),
            headers={"Nats-Msg-Id": f"answer:{event.request_id}"},
        )
