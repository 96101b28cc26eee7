"""The flow-engine as real processes: SIGKILL in the middle of 200 executions, and two engines.

Issue 3's acceptance: after a SIGKILL and a restart every execution completes and no SendMessage
id is emitted twice; two engine processes on one consumer never process a step twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from parley.contracts.envelope import Envelope
from parley.contracts.executions.events import ContactSnapshot, NodeEntered
from parley.contracts.executions.inputs import StartExecution
from parley.contracts.flows.graph import FlowGraph
from parley.contracts.messaging.commands import SendMessage
from parley.contracts.registry import registry
from parley.contracts.streams import FLOW_ENGINE, MESSAGING, TIMERS
from parley.contracts.subjects import event_subject
from parley.flow_engine.handlers.execution_inputs import input_subject
from parley.flow_engine.testing.graphs import edge, graph, node, text
from parley.runtime.embedded import free_port
from parley.runtime.eventstore import EventStore
from parley.runtime.streams import ensure_stream
from parley.runtime.testing.plugin import eventually

pytestmark = pytest.mark.e2e

EXECUTIONS = 200


def two_messages_and_a_delay() -> FlowGraph:
    return graph(
        [
            text("hi", "Hi {{contact.name}}"),
            node("wait", "delay", seconds=1),
            text("bye", "Bye {{contact.name}}"),
            node("end", "end"),
        ],
        [edge("hi", "wait"), edge("wait", "bye"), edge("bye", "end")],
    )


@contextmanager
def engine_process(
    nats_url: str, database_url: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "NATS_URL": nats_url,
        "DATABASE_URL": database_url,
        "HEALTH_PORT": str(free_port()),
        "PARLEY_ENV": "development",
        "LOG_FORMAT": "json",
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "parley.flow_engine"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def collect_sends(js: JetStreamContext, workspace: str) -> list[SendMessage]:
    sent: list[SendMessage] = []

    async def on_message(msg: Msg) -> None:
        command = registry.decode(Envelope.from_bytes(msg.data))
        assert isinstance(command, SendMessage)
        sent.append(command)

    await js.subscribe(f"messaging.cmd.{workspace}.>", cb=on_message, ordered_consumer=True)
    return sent


async def start_all(js: JetStreamContext, workspace: str) -> list[str]:
    flow = two_messages_and_a_delay()
    ids = [f"e-{i}-{uuid.uuid4().hex[:6]}" for i in range(EXECUTIONS)]
    for i, execution_id in enumerate(ids):
        command = StartExecution(
            execution_id=execution_id,
            flow_id="crash",
            flow_version=1,
            graph=flow,
            contact=ContactSnapshot(contact_id=f"c-{i}", name=f"N{i}"),
            trigger="api",
            at=datetime.now(UTC),
        )
        envelope = Envelope.wrap(command, workspace_id=workspace)
        await js.publish(input_subject(workspace, execution_id), envelope.to_bytes())
    return ids


async def assert_every_step_once(nc: NatsClient, workspace: str, ids: list[str]) -> None:
    store = EventStore(nc, FLOW_ENGINE.name)
    for execution_id in ids:
        events = await store.load(event_subject("exec", workspace, execution_id))
        steps = [e.message.step for e in events if isinstance(e.message, NodeEntered)]
        assert steps == list(range(1, len(steps) + 1)), (execution_id, steps)  # none twice
        assert len(steps) == 4  # hi, wait, bye, end


async def test_sigkill_mid_run_then_restart_completes_everything_once(
    nc: NatsClient, nats_url: str, database_url: str, tmp_path: Path
) -> None:
    js = nc.jetstream()
    for spec in (MESSAGING, FLOW_ENGINE, TIMERS):  # inputs are published before the engine is up
        await ensure_stream(js, spec)
    workspace = f"crash-{uuid.uuid4().hex[:8]}"
    sent = await collect_sends(js, workspace)
    log = tmp_path / "engine.log"

    with engine_process(nats_url, database_url, log) as first:
        ids = await start_all(js, workspace)
        await eventually(lambda: len(sent) >= EXECUTIONS // 2, timeout=60)
        first.send_signal(signal.SIGKILL)  # mid-run: sends, timers and inputs in flight
        assert await asyncio.to_thread(first.wait, 10) == -signal.SIGKILL
    killed_at = len(sent)
    assert killed_at < 2 * EXECUTIONS, "the engine finished before it could be killed"

    with engine_process(nats_url, database_url, log):
        await eventually(lambda: len(sent) >= 2 * EXECUTIONS, timeout=90)

    ids_sent = [s.command_id for s in sent]
    assert len(ids_sent) == len(set(ids_sent)) == 2 * EXECUTIONS  # every message, none twice
    assert {s.message["body"] for s in sent if s.contact_id == "c-7"} == {"Hi N7", "Bye N7"}
    await assert_every_step_once(nc, workspace, ids)


async def test_two_engines_on_one_consumer_never_process_a_step_twice(
    nc: NatsClient, nats_url: str, database_url: str, tmp_path: Path
) -> None:
    js = nc.jetstream()
    for spec in (MESSAGING, FLOW_ENGINE, TIMERS):
        await ensure_stream(js, spec)
    workspace = f"pair-{uuid.uuid4().hex[:8]}"
    sent = await collect_sends(js, workspace)
    with (
        engine_process(nats_url, database_url, tmp_path / "a.log"),
        engine_process(nats_url, database_url, tmp_path / "b.log"),
    ):
        ids = await start_all(js, workspace)
        await eventually(lambda: len(sent) >= 2 * EXECUTIONS, timeout=90)
    ids_sent = [s.command_id for s in sent]
    assert len(ids_sent) == len(set(ids_sent)) == 2 * EXECUTIONS
    await assert_every_step_once(nc, workspace, ids)
