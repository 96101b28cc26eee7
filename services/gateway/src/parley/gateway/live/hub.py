"""In-process fan-out of live events to subscriptions.

The feed calls `publish` with the events of one stored message; each matching subscription gets
them in its own bounded queue, without waiting. A subscription that cannot take them is marked
`overflowed` and closed: it is dropped, never waited for, so one slow client cannot hold up the
feed or anyone else. A client that was dropped resumes with `since` (see `resume.py`).

Subscriptions are indexed by workspace, then by execution or flow, so publishing costs the
number of matching subscriptions, whatever the number of clients elsewhere.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from parley.gateway.live.events import LiveEvent, Topic
from parley.gateway.live.flows import FlowDirectory

DEFAULT_BUFFER = 1000


class Subscription:
    """An async iterator of the live events of one topic.

    Iteration ends when the subscription is closed: by `close()` (what was buffered is
    discarded), by the hub shutting down, or by an overflow, in which case the rest of the
    commit being delivered still comes out first, so the last event seen always ends a commit
    and `since=<its seq>` resumes exactly after it.
    """

    def __init__(self, topic: Topic, buffer: int, on_close: Callable[[Subscription], None]) -> None:
        if buffer < 1:
            raise ValueError("buffer must hold at least one event")
        self.topic = topic
        self.buffer = buffer
        self.overflowed = False
        self.closed = False
        self._queue: deque[LiveEvent] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._on_close = on_close
        self._close_callbacks: list[Callable[[Subscription], None]] = []
        self._last_seq: int | None = None  # of the last event handed out

    @property
    def pending(self) -> int:
        return len(self._queue)

    def add_close_callback(self, callback: Callable[[Subscription], None]) -> None:
        """Called once, synchronously, when the subscription closes (for any reason)."""
        if self.closed:
            callback(self)
        else:
            self._close_callbacks.append(callback)

    def close(self) -> None:
        if self.closed:
            return
        self._queue.clear()
        self._end()

    def offer(self, events: Sequence[LiveEvent]) -> bool:
        """Take the events of one stored message, all or none; False once closed."""
        if self.closed:
            return False
        if self._queue and len(self._queue) + len(events) > self.buffer:
            self.mark_overflowed()
            return False
        self._queue.extend(events)
        self._wake()
        return True

    def mark_overflowed(self) -> None:
        """Close as a slow consumer (the hub does this when the queue is full)."""
        if self.closed:
            return
        self.overflowed = True
        # Keep only the remainder of the commit the reader is in the middle of.
        keep = 0
        for event in self._queue:
            if event.seq != self._last_seq:
                break
            keep += 1
        while len(self._queue) > keep:
            self._queue.pop()
        self._end()

    def _end(self) -> None:
        self.closed = True
        self._wake()
        self._on_close(self)
        callbacks, self._close_callbacks = self._close_callbacks, []
        for callback in callbacks:
            callback(self)

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> LiveEvent:
        while not self._queue:
            if self.closed:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        event = self._queue.popleft()
        self._last_seq = event.seq
        return event


@dataclass
class _Workspace:
    whole: set[Subscription] = field(default_factory=set)
    by_execution: dict[str, set[Subscription]] = field(default_factory=dict)
    by_flow: dict[str, set[Subscription]] = field(default_factory=dict)

    def slot(self, topic: Topic) -> set[Subscription]:
        if topic.execution_id is not None:
            return self.by_execution.setdefault(topic.execution_id, set())
        if topic.flow_id is not None:
            return self.by_flow.setdefault(topic.flow_id, set())
        return self.whole

    def drop(self, subscription: Subscription) -> bool:
        topic = subscription.topic
        if topic.execution_id is not None:
            return _discard(self.by_execution, topic.execution_id, subscription)
        if topic.flow_id is not None:
            return _discard(self.by_flow, topic.flow_id, subscription)
        if subscription in self.whole:
            self.whole.remove(subscription)
            return True
        return False

    def all(self) -> list[Subscription]:
        return [
            *self.whole,
            *(s for group in self.by_execution.values() for s in group),
            *(s for group in self.by_flow.values() for s in group),
        ]

    def empty(self) -> bool:
        return not (self.whole or self.by_execution or self.by_flow)


def _discard(index: dict[str, set[Subscription]], key: str, subscription: Subscription) -> bool:
    subs = index.get(key)
    if subs is None or subscription not in subs:
        return False
    subs.remove(subscription)
    if not subs:
        del index[key]
    return True


class LiveHub:
    """Fan-out, plus the flow directory the feed and the replays share (they must agree on
    which flow an execution belongs to, or a resumed flow topic would gain or lose events)."""

    def __init__(self, *, flows: FlowDirectory | None = None) -> None:
        self.flows = flows or FlowDirectory()
        self._workspaces: dict[str, _Workspace] = {}
        self._flow_subscribers: dict[str, int] = {}  # workspace -> subscriptions naming a flow
        self._closed = False

    def subscribe(self, topic: Topic, *, buffer: int = DEFAULT_BUFFER) -> Subscription:
        subscription = Subscription(topic, buffer, self._forget)
        if self._closed:
            subscription.close()
            return subscription
        self._workspaces.setdefault(topic.workspace_id, _Workspace()).slot(topic).add(subscription)
        if topic.flow_id is not None:
            ws = topic.workspace_id
            self._flow_subscribers[ws] = self._flow_subscribers.get(ws, 0) + 1
        return subscription

    def publish(self, events: Sequence[LiveEvent]) -> None:
        """Hand the events of one stored message (one execution, one seq) to every matching
        subscription. Never waits."""
        if not events:
            return
        first = events[0]
        workspace = self._workspaces.get(first.workspace_id)
        if workspace is None:
            return
        candidates = [*workspace.whole, *workspace.by_execution.get(first.execution_id, ())]
        if first.flow_id is not None:
            candidates.extend(workspace.by_flow.get(first.flow_id, ()))
        for subscription in candidates:  # a copy: an overflow unregisters as we go
            if subscription.topic.matches(first):
                subscription.offer(events)

    def wants_flows(self, workspace_id: str) -> bool:
        """Does any subscription of the workspace follow a flow (so events need their flow)?"""
        return self._flow_subscribers.get(workspace_id, 0) > 0

    def subscriber_count(self, workspace_id: str | None = None) -> int:
        if workspace_id is None:
            return sum(len(w.all()) for w in self._workspaces.values())
        workspace = self._workspaces.get(workspace_id)
        return len(workspace.all()) if workspace else 0

    def overflow_workspace(self, workspace_id: str) -> None:
        """Drop every subscription of a workspace as overflowed (the feed fell too far behind
        for it); each client resumes with `since`."""
        workspace = self._workspaces.get(workspace_id)
        for subscription in workspace.all() if workspace else []:
            subscription.mark_overflowed()

    def close(self) -> None:
        """Shutting down: every subscription ends (not as an overflow)."""
        self._closed = True
        for workspace in list(self._workspaces.values()):
            for subscription in workspace.all():
                subscription.close()

    def _forget(self, subscription: Subscription) -> None:
        topic = subscription.topic
        workspace = self._workspaces.get(topic.workspace_id)
        if workspace is None or not workspace.drop(subscription):
            return
        if workspace.empty():
            del self._workspaces[topic.workspace_id]
        if topic.flow_id is not None:
            left = self._flow_subscribers.get(topic.workspace_id, 0) - 1
            if left > 0:
                self._flow_subscribers[topic.workspace_id] = left
            else:
                self._flow_subscribers.pop(topic.workspace_id, None)
