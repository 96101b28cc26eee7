"""Resuming a topic from `since`, the stream sequence of the last event a client saw.

1. Subscribe to the hub first: live events from now on are buffered.
2. Read the stream's last sequence `last` at that moment. Anything stored later reaches the
   hub after step 1, so it is in the buffer; anything the hub handed out before step 1 was
   stored before step 2, so it is at most `last`.
3. Replay the stored events of the topic in `(since, last]` with an ordered consumer filtered to
   `exec.evt.<ws>.*` (or the execution's subject); a flow topic keeps the executions of its flow,
   asking the hub's FlowDirectory as the feed does, so replay and live agree.
4. Yield `CaughtUp`, then the buffered and live events after `last`: no gap, no duplicate.

The replay is capped (`limit` stored messages). Past the cap only the messages among the
stream's last `limit` are replayed and `CaughtUp.truncated` says so, as it does for a `since`
older than the stream's first sequence (those events are gone).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass

from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from parley.contracts.streams import FLOW_ENGINE
from parley.gateway.live.events import LiveEvent, Topic, decode_message
from parley.gateway.live.hub import DEFAULT_BUFFER, LiveHub, Subscription

DEFAULT_REPLAY_LIMIT = 10_000
_UNREADABLE = (NatsError, OSError, TimeoutError)


@dataclass(frozen=True, slots=True)
class CaughtUp:
    """The replay is over: every event of the topic up to stream sequence `seq` has been
    handed out (but for what `truncated` left out), and what follows is live, after `seq`."""

    seq: int
    replayed: int  # events (not messages) replayed
    truncated: bool
    reason: str | None = None  # why the replay is incomplete, for a person


class ResumeError(ValueError):
    """The request cannot be served as asked; `field` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class ReplayFailed(Exception):
    """The stream could not be read (NATS unavailable or too slow); try again."""


class Resumed:
    """Async iterator: replayed LiveEvents, one CaughtUp, then live LiveEvents.

    It ends when the subscription closes (check `subscription.overflowed`). Close it with
    `aclose()`, from the task iterating it."""

    def __init__(
        self, subscription: Subscription, events: AsyncGenerator[LiveEvent | CaughtUp, None]
    ) -> None:
        self.subscription = subscription
        self._events = events

    def __aiter__(self) -> Resumed:
        return self

    async def __anext__(self) -> LiveEvent | CaughtUp:
        return await self._events.__anext__()

    async def aclose(self) -> None:
        self.subscription.close()
        await self._events.aclose()


async def resume(
    hub: LiveHub,
    js: JetStreamContext,
    topic: Topic,
    since: int | None,
    *,
    buffer: int = DEFAULT_BUFFER,
    limit: int = DEFAULT_REPLAY_LIMIT,
    stream: str = FLOW_ENGINE.name,
    timeout: float = 5.0,
) -> Resumed:
    """Subscribe to `topic`, replaying what was stored after `since` (None: live only)."""
    if since is not None and since < 0:
        raise ResumeError("since", f"since must be a stream sequence (0 or more), not {since}")
    subscription = hub.subscribe(topic, buffer=buffer)
    try:
        try:
            state = (await js.stream_info(stream)).state
        except _UNREADABLE as err:
            raise ReplayFailed(f"stream {stream} could not be read: {err!r}") from err
        first, last = state.first_seq, state.last_seq
        if since is not None and since > last:
            raise ResumeError(
                "since",
                f"since {since} is past the stream's last sequence {last}: "
                "resume with the seq of an event you received",
            )
    except BaseException:
        subscription.close()
        raise
    replay = _Replay(hub, js, topic, stream, timeout)
    return Resumed(subscription, _events(replay, subscription, since, first, last, limit))


async def _events(
    replay: _Replay,
    subscription: Subscription,
    since: int | None,
    first: int,
    last: int,
    limit: int,
) -> AsyncGenerator[LiveEvent | CaughtUp, None]:
    replayed = 0
    reasons: list[str] = []
    if since is not None and since < last:
        start = since + 1
        if start < first:
            reasons.append(
                f"since {since} is older than the stream's first sequence {first}: "
                "earlier events are no longer stored"
            )
            start = first
        async with aclosing(replay.read(start, last, limit, reasons)) as messages:
            async for events in messages:
                if subscription.closed:
                    return  # overflowed (or shut down) while replaying
                for event in events:
                    yield event
                replayed += len(events)
    yield CaughtUp(last, replayed, bool(reasons), "; ".join(reasons) or None)
    async for event in subscription:
        if event.seq > last:
            yield event


class _Replay:
    def __init__(
        self, hub: LiveHub, js: JetStreamContext, topic: Topic, stream: str, timeout: float
    ) -> None:
        self._flows = hub.flows
        self._js = js
        self._topic = topic
        self._stream = stream
        self._timeout = timeout

    async def read(
        self, start: int, last: int, limit: int, reasons: list[str]
    ) -> AsyncGenerator[list[LiveEvent], None]:
        """The topic's events stored in [start, last], one stored message at a time."""
        try:
            sub, count = await self._open(start)
            if count > limit:
                await sub.unsubscribe()
                start = max(start, last - limit + 1)
                reasons.append(
                    f"more than {limit} events to replay: only those after sequence "
                    f"{start - 1} were replayed"
                )
                sub, count = await self._open(start)
        except _UNREADABLE as err:
            raise ReplayFailed(f"stream {self._stream} could not be read: {err!r}") from err
        try:
            for _ in range(count):
                try:
                    msg = await sub.next_msg(timeout=self._timeout)
                except _UNREADABLE as err:
                    raise ReplayFailed(
                        f"stream {self._stream} stopped answering during the replay"
                    ) from err
                seq = msg.metadata.sequence.stream
                if seq > last:
                    return
                events = await self._events(seq, msg.subject, msg.data)
                if events:
                    yield events
                if seq == last:
                    return
        finally:
            await sub.unsubscribe()

    async def _open(self, start: int) -> tuple[JetStreamContext.PushSubscription, int]:
        """An ordered consumer of the topic from `start`, and how many messages it holds."""
        sub = await self._js.subscribe(
            self._topic.subject_filter,
            stream=self._stream,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            config=ConsumerConfig(opt_start_seq=start),
        )
        try:
            info = await sub.consumer_info()
        except BaseException:
            await sub.unsubscribe()
            raise
        delivered = info.delivered.consumer_seq if info.delivered else 0
        return sub, (info.num_pending or 0) + (delivered or 0)

    async def _events(self, seq: int, subject: str, data: bytes) -> list[LiveEvent]:
        message = decode_message(seq, subject, data)
        if message is None:
            return []
        ws, execution = message.workspace_id, message.execution_id
        if message.started_flow is not None:
            self._flows.remember(ws, execution, message.started_flow)
        answered, flow = self._flows.peek(ws, execution)
        if not answered and self._topic.flow_id is not None:
            flow = await self._flows.flow_of(ws, execution)
        events = message.live(flow)
        return events if events and self._topic.matches(events[0]) else []
