"""`exec.GetExecutionReplay` and `parley replay execution`, against the running flow-engine."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nats.aio.client import Client as NatsClient

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot
from parley.contracts.executions.inputs import DeliverReply, StartExecution
from parley.contracts.executions.queries import ExecutionReplay, GetExecutionReplay
from parley.contracts.flows.commands import CreateFlow, PublishFlow, UpdateFlowDraft
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messages import Message
from parley.contracts.streams import FLOW_ENGINE
from parley.contracts.subjects import event_subject
from parley.flow_engine.domain.execution import ExecutionDecider
from parley.flow_engine.domain.flow import FlowDecider
from parley.flow_engine.testing.graphs import welcome
from parley.runtime.eventstore import EventStore, execute
from parley.runtime.service import Service
from parley.runtime.testing.plugin import eventually

# Now, not a fixed date: the running engine schedules each wait's 24 h timeout from the start, and
# a timeout already past fires at once and ends the wait under the test's feet.
T0 = datetime.now(UTC).replace(microsecond=0)
WS = f"ws-replay-{uuid.uuid4().hex[:6]}"
SUBJECT = "parley.q.flow-engine.execution-replay"
PARLEY = str(Path(sys.executable).with_name("parley"))


def stricter() -> FlowGraph:
    current = welcome()
    adult = current.node("adult")
    assert adult is not None
    raised = adult.model_copy(update={"expression": "number(vars.age) >= 35"})
    return current.model_copy(
        update={"nodes": tuple(raised if n.id == "adult" else n for n in current.nodes)}
    )


async def apply(store: EventStore, subject: str, decider: object, message: Message) -> None:
    cause = Envelope.wrap(message, workspace_id=WS)
    await execute(store, subject, decider, message, cause=cause)  # type: ignore[arg-type]


async def ask(nc: NatsClient, query: GetExecutionReplay) -> tuple[ExecutionReplay | None, str]:
    reply = await nc.request(SUBJECT, Envelope.wrap(query, workspace_id=WS).to_bytes(), timeout=5)
    headers = reply.headers or {}
    if "Nats-Service-Error-Code" in headers:
        return None, f"{headers['Nats-Service-Error-Code']}: {headers['Nats-Service-Error']}"
    return ExecutionReplay.model_validate_json(reply.data), ""


async def test_replay_over_nats_and_the_cli(
    flow_engine: Service, nc: NatsClient, nats_url: str
) -> None:
    store = EventStore(nc, FLOW_ENGINE.name)
    flow_subject = event_subject("flow", WS, "welcome")
    flows = FlowDecider()
    await apply(
        store, flow_subject, flows, CreateFlow(flow_id="welcome", name="W", graph=welcome())
    )
    await apply(store, flow_subject, flows, PublishFlow(note="v1"))
    await apply(store, flow_subject, flows, UpdateFlowDraft(graph=stricter()))
    await apply(store, flow_subject, flows, PublishFlow(note="adults are 35+"))

    execution_id = f"e-{uuid.uuid4().hex[:10]}"
    subject = event_subject("exec", WS, execution_id)
    executions = ExecutionDecider()
    await apply(
        store,
        subject,
        executions,
        StartExecution(
            execution_id=execution_id,
            flow_id="welcome",
            flow_version=1,
            graph=welcome(),
            contact=ContactSnapshot(contact_id="c1", name="Ada"),
            trigger="keyword",
            at=T0,
        ),
    )
    await apply(store, subject, executions, DeliverReply(text="30", at=T0 + timedelta(minutes=1)))

    async def version_2_projected() -> bool:
        _, error = await ask(nc, GetExecutionReplay(execution_id=execution_id, against_version=2))
        return error == ""

    await eventually(version_2_projected, timeout=15)
    replay, _ = await ask(
        nc, GetExecutionReplay(execution_id=execution_id, at=3, against_version=2)
    )
    assert replay is not None
    assert replay.steps[0].event == "exec.ExecutionStarted"
    assert replay.steps[-1].event == "exec.ExecutionCompleted"
    assert replay.state is not None
    assert replay.state.after_event == 3
    assert replay.divergence is not None
    assert replay.divergence.diverges_at is not None
    assert replay.divergence.recorded_path[replay.divergence.diverges_at] == "yes"
    assert replay.divergence.replayed_path[replay.divergence.diverges_at] == "no"

    assert (await ask(nc, GetExecutionReplay(execution_id="nope")))[1].startswith("404: no exec")
    assert (await ask(nc, GetExecutionReplay(execution_id="a.b")))[1].startswith("400:")
    missing = await ask(nc, GetExecutionReplay(execution_id=execution_id, against_version=9))
    assert missing[1] == "404: flow 'welcome' has no published version 9"

    cli = await asyncio.to_thread(
        subprocess.run,
        [
            PARLEY,
            "replay",
            "execution",
            execution_id,
            "-w",
            WS,
            "--against-version",
            "2",
            "--nats-url",
            nats_url,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
    assert f"execution {execution_id}: flow welcome v1" in cli.stdout
    assert "ReplyAccepted" in cli.stdout
    assert "against version 2: the paths part at step" in cli.stdout
    unknown = await asyncio.to_thread(
        subprocess.run,
        [PARLEY, "replay", "execution", "nope", "-w", WS, "--nats-url", nats_url],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert unknown.returncode == 1
    assert "no execution 'nope' in this workspace (404)" in unknown.stderr
