"""Durable JetStream consumers: explicit ack, bounded redelivery with backoff, dead letters.

A handler that raises gets the message redelivered after the next backoff delay. After
`max_deliver` attempts the message is copied to the DEADLETTER stream with the error, terminated,
and the consumer moves on to the messages behind it: one poison message never blocks a stream.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode, Tracer

from parley.contracts.envelope import Envelope
from parley.contracts.streams import dead_letter_subject
from parley.contracts.system import MessageDeadLettered
from parley.runtime.metrics import ConsumerMetrics
from parley.runtime.tracing import extract_context

log = structlog.get_logger(__name__)
# Pause before binding again after a failure: long enough not to spin while a cluster elects.
RESUBSCRIBE_AFTER = 1.0

Handler = Callable[[Msg], Awaitable[None]]
# Handles a whole fetched batch at once (one transaction for all of it, say). If it raises, the
# batch is handled again message by message by the ordinary handler, which isolates the bad one.
BatchHandler = Callable[[list[Msg]], Awaitable[None]]


class RetryLater(Exception):
    """Raised by a handler to put the message back for `delay` seconds: it is not done yet
    (waiting for a rate limit, a paused number, a documented retry time). Not a failure, so
    it is neither logged as one nor dead-lettered."""

    def __init__(self, delay: float, why: str = "") -> None:
        super().__init__(why or f"retry in {delay:.1f}s")
        self.delay = max(0.0, delay)


@dataclass(frozen=True)
class ConsumerSpec:
    """Everything about a consumer, spelled out where it is registered."""

    stream: str
    durable: str
    filter_subjects: tuple[str, ...]
    max_deliver: int = 5
    # Delay before each redelivery of a message whose handler raised; the last value repeats.
    # They are nak delays only: JetStream is not given them, because it would also use them as
    # ack timeouts and redeliver a message whose handler is merely slow (a message waiting
    # behind a busy batch). A handler that hangs is redelivered after `ack_wait`.
    backoff: tuple[float, ...] = (0.5, 2.0, 10.0, 30.0)
    ack_wait: float = 30.0
    max_ack_pending: int = 1000
    fetch_batch: int = 64
    deliver_from_sequence: int | None = None  # None: from the start of the stream
    # Messages of one subject are always handled in order; with lanes > 1, messages of
    # different subjects in a fetched batch are handled concurrently, one lane per subject hash.
    # Worth it when a handler mostly waits on I/O (an append, a publish, a query).
    lanes: int = 1
    # > 0: no order at all; up to this many messages in flight, and the next fetch as soon as
    # one finishes. For commands that each stand alone (one send per subject) whose handlers
    # wait on rate limits and remote calls: no batch waits for its slowest message.
    concurrency: int = 0

    def __post_init__(self) -> None:
        if self.max_deliver < 1:
            raise ValueError("max_deliver must be >= 1")
        if not self.backoff:
            raise ValueError("backoff needs at least one delay")
        if self.lanes < 1:
            raise ValueError("lanes must be >= 1")
        if self.concurrency < 0:
            raise ValueError("concurrency must be >= 0")

    def delay_after(self, deliveries: int) -> float:
        return self.backoff[min(deliveries, len(self.backoff)) - 1]

    def config(self) -> ConsumerConfig:
        by_seq = self.deliver_from_sequence is not None
        return ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE if by_seq else DeliverPolicy.ALL,
            opt_start_seq=self.deliver_from_sequence,
            max_deliver=self.max_deliver,
            ack_wait=self.ack_wait,
            max_ack_pending=self.max_ack_pending,
            filter_subjects=list(self.filter_subjects),
        )


async def ensure_consumer(js: JetStreamContext, spec: ConsumerSpec) -> None:
    try:
        await js.consumer_info(spec.stream, spec.durable)
    except NotFoundError:
        await js.add_consumer(spec.stream, spec.config())


@dataclass
class Consumer:
    """Pulls from one durable consumer and runs `handler` on each message, in order."""

    nc: NatsClient
    spec: ConsumerSpec
    handler: Handler
    metrics: ConsumerMetrics | None = None
    batch_handler: BatchHandler | None = None
    tracer: Tracer = field(default_factory=lambda: trace.get_tracer("parley.runtime"))
    _stopping: asyncio.Event = field(default_factory=asyncio.Event, init=False)

    async def run(self) -> None:
        """Consume until stopped. A JetStream failure (a cluster electing a new stream or
        consumer leader answers fetches, acks and API calls with errors for some seconds) ends
        the pull loop, not the consumer: it binds again after a pause and goes on, and what was
        in flight is redelivered after `ack_wait`. Without this the task ended silently and the
        service kept running with the consumer gone."""
        js = self.nc.jetstream()
        while not self._stopping.is_set():
            try:
                await ensure_consumer(js, self.spec)
                sub = await js.pull_subscribe_bind(self.spec.durable, self.spec.stream)
                log.info("consumer started", stream=self.spec.stream, durable=self.spec.durable)
                await self._pull(sub)
            except Exception as err:  # noqa: BLE001 - transient by assumption: retried, logged
                log.warning(
                    "consumer failed, binding again",
                    stream=self.spec.stream,
                    durable=self.spec.durable,
                    error=repr(err),
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), RESUBSCRIBE_AFTER)

    async def _pull(self, sub: JetStreamContext.PullSubscription) -> None:
        if self.spec.concurrency > 0:
            await self._run_concurrently(sub)
            return
        try:
            while not self._stopping.is_set():
                try:
                    messages = await sub.fetch(self.spec.fetch_batch, timeout=0.5)
                except TimeoutError:
                    continue
                await self._process_batch(messages)
        finally:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def _run_concurrently(self, sub: JetStreamContext.PullSubscription) -> None:
        free = asyncio.Semaphore(self.spec.concurrency)
        in_flight: set[asyncio.Task[None]] = set()

        async def one(msg: Msg) -> None:
            try:
                await self._process(msg)
            finally:
                free.release()

        try:
            while not self._stopping.is_set():
                await free.acquire()
                wanted = 1
                # Fetch as many as there is room for, so a backlog comes in big batches.
                while wanted < self.spec.fetch_batch and not free.locked():
                    await free.acquire()
                    wanted += 1
                try:
                    messages = await sub.fetch(wanted, timeout=0.5)
                except TimeoutError:
                    messages = []
                for _ in range(wanted - len(messages)):
                    free.release()
                for msg in messages:
                    task = asyncio.create_task(one(msg))
                    in_flight.add(task)
                    task.add_done_callback(in_flight.discard)
        finally:
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    def stop(self) -> None:
        self._stopping.set()

    async def _process_batch(self, messages: list[Msg]) -> None:
        if self.batch_handler is not None and len(messages) > 1 and await self._whole(messages):
            return
        if self.spec.lanes == 1 or len(messages) == 1:
            for msg in messages:
                await self._process(msg)
            return
        lanes: dict[int, list[Msg]] = {}
        for msg in messages:
            lanes.setdefault(zlib.crc32(msg.subject.encode()) % self.spec.lanes, []).append(msg)

        async def drain(lane: list[Msg]) -> None:
            for msg in lane:
                await self._process(msg)

        # The whole batch finishes before the next fetch, so a subject's next message never
        # overtakes one still in flight in another batch.
        await asyncio.gather(*(drain(lane) for lane in lanes.values()))

    async def _whole(self, messages: list[Msg]) -> bool:
        """Run the batch handler; True if it took the batch (and every message is acked)."""
        assert self.batch_handler is not None
        started = time.perf_counter()
        with self.tracer.start_as_current_span(
            f"consume {self.spec.stream}/{self.spec.durable} batch",
            context=extract_context(messages[0].headers),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.batch.message_count": len(messages)},
        ) as span:
            try:
                await self.batch_handler(messages)
            except Exception as err:  # noqa: BLE001 - retried one by one, which isolates it
                span.record_exception(err)
                log.warning(
                    "batch failed, handling it message by message",
                    durable=self.spec.durable,
                    messages=len(messages),
                    error=repr(err),
                )
                return False
        for msg in messages:
            await msg.ack()
        if self.metrics is not None:
            each = (time.perf_counter() - started) / len(messages)
            self.metrics.handled.labels(self.spec.durable, "ok").inc(len(messages))
            for _ in messages:
                self.metrics.duration.labels(self.spec.durable).observe(each)
        return True

    async def _process(self, msg: Msg) -> None:
        # The span continues the trace of whoever published the message (`traceparent`).
        span_name = f"consume {self.spec.stream}/{self.spec.durable}"
        with self.tracer.start_as_current_span(
            span_name,
            context=extract_context(msg.headers),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.destination.name": msg.subject},
        ) as span:
            started = time.perf_counter()
            try:
                await self.handler(msg)
            except RetryLater as later:
                span.set_attribute("parley.retry_in", later.delay)
                await msg.nak(delay=later.delay)
                outcome = "later"
            except Exception as err:  # noqa: BLE001 - any failure is retried, then dead-lettered
                span.record_exception(err)
                span.set_status(StatusCode.ERROR, str(err))
                outcome = await self._failed(msg, err)
            else:
                await msg.ack()
                outcome = "ok"
        if self.metrics is not None:
            self.metrics.handled.labels(self.spec.durable, outcome).inc()
            self.metrics.duration.labels(self.spec.durable).observe(time.perf_counter() - started)

    async def _failed(self, msg: Msg, err: Exception) -> str:
        meta = msg.metadata
        deliveries = meta.num_delivered
        context = {
            "stream": self.spec.stream,
            "durable": self.spec.durable,
            "subject": msg.subject,
            "stream_sequence": meta.sequence.stream,
            "deliveries": deliveries,
            "error": repr(err),
        }
        if deliveries < self.spec.max_deliver:
            delay = self.spec.delay_after(deliveries)
            log.warning("handler failed, will retry", retry_in=delay, **context)
            await msg.nak(delay=delay)
            return "retry"
        await dead_letter(self.nc, self.spec, msg, err)
        log.error("handler failed for the last time, dead-lettered", **context)
        await msg.term()
        return "dead_letter"


async def dead_letter(nc: NatsClient, spec: ConsumerSpec, msg: Msg, err: Exception) -> None:
    meta = msg.metadata
    headers = {str(k): str(v) for k, v in (msg.headers or {}).items()}
    workspace = headers.get("Parley-Workspace", "-")
    letter = MessageDeadLettered(
        stream=spec.stream,
        consumer=spec.durable,
        subject=msg.subject,
        stream_sequence=meta.sequence.stream,
        deliveries=meta.num_delivered,
        error=f"{type(err).__name__}: {err}"[:4000],
        original_headers=headers,
        original_data_b64=base64.b64encode(msg.data).decode(),
    )
    cause = _cause_of(msg)
    envelope = cause.caused(letter) if cause else Envelope.wrap(letter, workspace_id=workspace)
    await nc.jetstream().publish(
        dead_letter_subject(spec.stream, spec.durable),
        envelope.to_bytes(),
        # One dead letter per stream position and consumer, even if we crash and redo this.
        headers={"Nats-Msg-Id": f"dlq:{spec.stream}:{spec.durable}:{meta.sequence.stream}"},
    )


def _cause_of(msg: Msg) -> Envelope | None:
    try:
        return Envelope.from_bytes(msg.data)
    except ValueError:
        return None
