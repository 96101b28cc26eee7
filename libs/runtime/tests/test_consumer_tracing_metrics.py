"""A trace started by a producer continues in the consumer, across NATS; consumers are counted."""

from __future__ import annotations

import asyncio

from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from parley.contracts.envelope import Envelope
from parley.contracts.subjects import event_subject
from parley.runtime.consumers import Consumer, ConsumerSpec
from parley.runtime.eventstore import EventStore
from parley.runtime.metrics import ConsumerMetrics, ServiceMetrics
from parley.runtime.testing.plugin import eventually

from .conftest import FreshStream
from .ledger import Deposited


async def test_the_consumer_span_is_a_child_of_the_appending_span(
    nc: NatsClient, fresh_stream: FreshStream
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    store = EventStore(nc, fresh_stream.name)
    subject = event_subject(fresh_stream.context, "ws1", "traced")

    with tracer.start_as_current_span("decide") as producer:
        await store.append(subject, [Envelope.wrap(Deposited(amount=1), workspace_id="ws1")], 0)
    producer_ctx = producer.get_span_context()

    seen: list[int] = []

    async def handler(msg: Msg) -> None:
        seen.append(trace.get_current_span().get_span_context().trace_id)

    metrics = ServiceMetrics("test-svc", "0", "i1")
    spec = ConsumerSpec(fresh_stream.name, "traced", (subject,))
    consumer = Consumer(nc, spec, handler, metrics=ConsumerMetrics(metrics), tracer=tracer)
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: len(seen) == 1)
    finally:
        consumer.stop()
        await task

    assert seen == [producer_ctx.trace_id]
    [consumed] = [s for s in exporter.get_finished_spans() if s.name.startswith("consume")]
    assert consumed.parent is not None
    assert consumed.parent.span_id == producer_ctx.span_id
    rendered = metrics.render().decode()
    assert 'parley_test_svc_messages_handled_total{durable="traced",outcome="ok"} 1.0' in rendered
