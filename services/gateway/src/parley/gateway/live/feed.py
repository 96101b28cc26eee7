"""The one JetStream consumer of a gateway process's live events.

An ordered push consumer (ephemeral, no acks, in memory, recreated by nats-py from the last
sequence it saw if it goes missing) on `exec.evt.>` from "now": every execution event stored
after `start()` is decoded once and handed to the hub, which fans it out without waiting.

Flow topics need each event's flow. When an event's flow is not in memory and some
subscription of its workspace follows a flow, that workspace's events wait in a lane of their
own while the flow-engine is asked (once per execution, see `FlowDirectory`): its events stay
in stream order and no other workspace waits. A lane that grows past `max_waiting` drops the
workspace's subscriptions as overflowed (they resume with `since`) rather than grow.

The gateway may start before the flow-engine has created FLOW_ENGINE: `start` then returns at
once and keeps trying in the background (`running` says when the consumer exists).
"""

from __future__ import annotations

import asyncio
from collections import deque

import structlog
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError

from parley.contracts.streams import FLOW_ENGINE
from parley.gateway.live.events import EXECUTION_EVENTS, StoredMessage, decode_message
from parley.gateway.live.flows import FlowDirectory, FlowLookup
from parley.gateway.live.hub import LiveHub

log = structlog.get_logger(__name__)


class LiveFeed:
    def __init__(
        self,
        nc: NatsClient,
        *,
        flow_of: FlowLookup,
        stream: str = FLOW_ENGINE.name,
        flow_cache_size: int = 100_000,
        unknown_flow_ttl: float = 30.0,
        flow_lookup_timeout: float = 2.0,
        max_waiting: int = 10_000,
        retry_every: float = 1.0,
    ) -> None:
        self.hub = LiveHub(
            flows=FlowDirectory(
                flow_of,
                capacity=flow_cache_size,
                unknown_ttl=unknown_flow_ttl,
                timeout=flow_lookup_timeout,
            )
        )
        self._js: JetStreamContext = nc.jetstream()
        self._stream = stream
        self._max_waiting = max_waiting
        self._retry_every = retry_every
        self._sub: JetStreamContext.PushSubscription | None = None
        self._starting: asyncio.Task[None] | None = None
        self._lanes: dict[str, _Lane] = {}
        self.last_seq = 0  # stream sequence of the last message received

    @property
    def flows(self) -> FlowDirectory:
        return self.hub.flows

    @property
    def running(self) -> bool:
        return self._sub is not None

    async def start(self) -> None:
        """Create the consumer: events stored after this returns reach the hub. If the stream
        does not exist yet, return at once and keep trying in the background."""
        if self._sub is not None or self._starting is not None:
            return
        try:
            await self._subscribe()
        except NotFoundError:
            log.warning("live feed waits for its stream", stream=self._stream)
            self._starting = asyncio.create_task(self._subscribe_when_ready())

    async def _subscribe(self) -> None:
        self._sub = await self._js.subscribe(
            EXECUTION_EVENTS,
            stream=self._stream,
            cb=self._on_message,
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.NEW,
        )
        log.info("live feed started", stream=self._stream, subjects=EXECUTION_EVENTS)

    async def _subscribe_when_ready(self) -> None:
        while True:
            await asyncio.sleep(self._retry_every)
            try:
                await self._subscribe()
                return
            except NotFoundError:
                continue

    async def stop(self) -> None:
        """Stop consuming and end every subscription (clients resume with `since`). A stopped
        feed is not started again."""
        if self._starting is not None:
            self._starting.cancel()
            await asyncio.gather(self._starting, return_exceptions=True)
        sub, self._sub = self._sub, None
        if sub is not None:
            await sub.unsubscribe()
        lanes = [lane.task for lane in self._lanes.values()]
        for task in lanes:
            task.cancel()
        await asyncio.gather(*lanes, return_exceptions=True)
        self.hub.close()

    async def _on_message(self, msg: Msg) -> None:
        seq = msg.metadata.sequence.stream
        self.last_seq = seq
        message = decode_message(seq, msg.subject, msg.data)
        if message is not None:
            self.take(message)

    def take(self, message: StoredMessage) -> None:
        """Hand one decoded message to the hub, or to its workspace's lane if it must wait."""
        workspace_id, execution_id = message.workspace_id, message.execution_id
        if message.started_flow is not None:
            self.flows.remember(workspace_id, execution_id, message.started_flow)
        lane = self._lanes.get(workspace_id)
        if lane is not None:
            if len(lane.waiting) >= self._max_waiting:
                log.warning(
                    "live events of a workspace waited too long for their flow",
                    workspace_id=workspace_id,
                    waiting=len(lane.waiting),
                )
                lane.waiting.clear()
                self.hub.overflow_workspace(workspace_id)
                return
            lane.waiting.append(message)
            return
        answered, flow = self.flows.peek(workspace_id, execution_id)
        if answered or not self.hub.wants_flows(workspace_id):
            self.hub.publish(message.live(flow))
            return
        self._lanes[workspace_id] = _Lane(self, workspace_id, message)


class _Lane:
    """One workspace's messages waiting for a flow lookup, delivered in order."""

    def __init__(self, feed: LiveFeed, workspace_id: str, first: StoredMessage) -> None:
        self._feed = feed
        self._workspace_id = workspace_id
        self.waiting: deque[StoredMessage] = deque([first])
        self.task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        feed = self._feed
        try:
            while self.waiting:
                message = self.waiting[0]
                answered, flow = feed.flows.peek(message.workspace_id, message.execution_id)
                if not answered and feed.hub.wants_flows(message.workspace_id):
                    flow = await feed.flows.flow_of(message.workspace_id, message.execution_id)
                if not self.waiting or self.waiting[0] is not message:
                    continue  # dropped meanwhile (see max_waiting)
                self.waiting.popleft()
                feed.hub.publish(message.live(flow))
        finally:
            if feed._lanes.get(self._workspace_id) is self:
                del feed._lanes[self._workspace_id]
