"""The JetStream collector reports a consumer's backlog and the dead letters of each consumer."""

from __future__ import annotations

from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext

from parley.contracts.streams import DEADLETTER, dead_letter_subject
from parley.runtime.consumers import ConsumerSpec, ensure_consumer
from parley.runtime.jetstream_metrics import (
    RUNTIME_STREAMS_REPORTER,
    JetStreamCollector,
    streams_reported_by,
)
from parley.runtime.metrics import ServiceMetrics
from parley.runtime.streams import ensure_stream

from .conftest import FreshStream


def sample(rendered: str, line_start: str) -> float:
    [line] = [line for line in rendered.splitlines() if line.startswith(line_start)]
    return float(line.rsplit(" ", 1)[1])


async def test_backlog_and_dead_letters_are_reported(
    nc: NatsClient, js: JetStreamContext, fresh_stream: FreshStream
) -> None:
    subject = f"{fresh_stream.context}.evt.ws1.a"
    spec = ConsumerSpec(fresh_stream.name, "lagging", (f"{fresh_stream.context}.>",))
    await ensure_consumer(js, spec)
    for n in range(3):
        await js.publish(subject, str(n).encode())
    await ensure_stream(js, DEADLETTER)
    letter = dead_letter_subject(fresh_stream.name, "lagging")
    await js.publish(letter, b"{}", headers={"Nats-Msg-Id": f"dl:{fresh_stream.name}:1"})

    metrics = ServiceMetrics(RUNTIME_STREAMS_REPORTER, "0", "i1")
    collector = JetStreamCollector(nc, metrics, [spec])
    await collector.refresh()

    rendered = metrics.render().decode()
    labels = f'{{durable="lagging",stream="{fresh_stream.name}"}}'
    assert sample(rendered, f"parley_gateway_consumer_pending_messages{labels}") == 3
    assert sample(rendered, f"parley_gateway_consumer_ack_pending_messages{labels}") == 0
    dead = (
        f'parley_gateway_dead_letters_messages{{consumer="lagging",stream="{fresh_stream.name}"}}'
    )
    assert sample(rendered, dead) == 1
    assert sample(rendered, 'parley_gateway_stream_messages{stream="DEADLETTER"}') >= 1


def test_only_one_service_reports_the_shared_streams() -> None:
    reporters = [
        s
        for s in ("gateway", "flow-engine", "messaging", "crm", "billing")
        if any(spec.name == "DEADLETTER" for spec in streams_reported_by(s))
    ]
    assert reporters == [RUNTIME_STREAMS_REPORTER]
    assert [s.name for s in streams_reported_by("crm")] == ["CRM"]
