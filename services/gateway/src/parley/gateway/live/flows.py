"""Which flow an execution belongs to.

Only `exec.ExecutionStarted` names the flow; the events after it do not. What the feed sees
start is remembered; an execution that started before this gateway did is asked about once
(the gateway supplies `flow_of`, a call to the flow-engine). Answers are kept in a bounded LRU:
an execution never changes flow. "Unknown" (None, a timeout, an error) is kept only briefly,
since the flow-engine's read model may simply not have caught up yet.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)

FlowLookup = Callable[[str, str], Awaitable[str | None]]  # (workspace_id, execution_id) -> flow
Key = tuple[str, str]


async def _nobody_knows(workspace_id: str, execution_id: str) -> str | None:
    return None


class FlowDirectory:
    def __init__(
        self,
        flow_of: FlowLookup = _nobody_knows,
        *,
        capacity: int = 100_000,
        unknown_ttl: float = 30.0,
        timeout: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._flow_of = flow_of
        self._capacity = capacity
        self._unknown_ttl = unknown_ttl
        self._timeout = timeout
        self._clock = clock
        self._known: OrderedDict[Key, str] = OrderedDict()
        self._unknown: dict[Key, float] = {}  # key -> expiry; insertion order is expiry order
        self._asking: dict[Key, asyncio.Task[str | None]] = {}

    def remember(self, workspace_id: str, execution_id: str, flow_id: str) -> None:
        key = (workspace_id, execution_id)
        self._unknown.pop(key, None)
        self._known[key] = flow_id
        self._known.move_to_end(key)
        while len(self._known) > self._capacity:
            self._known.popitem(last=False)

    def peek(self, workspace_id: str, execution_id: str) -> tuple[bool, str | None]:
        """(answered, flow) from memory only: (False, None) means "would have to ask"."""
        key = (workspace_id, execution_id)
        flow = self._known.get(key)
        if flow is not None:
            self._known.move_to_end(key)
            return True, flow
        expiry = self._unknown.get(key)
        if expiry is not None and expiry > self._clock():
            return True, None
        return False, None

    async def flow_of(self, workspace_id: str, execution_id: str) -> str | None:
        """The execution's flow, asking `flow_of` at most once at a time per execution."""
        answered, flow = self.peek(workspace_id, execution_id)
        if answered:
            return flow
        key = (workspace_id, execution_id)
        task = self._asking.get(key)
        if task is None:
            task = self._asking[key] = asyncio.create_task(self._ask(key))
            task.add_done_callback(lambda _: self._asking.pop(key, None))
        # Shielded: a caller that gives up must not cancel the answer others wait for.
        return await asyncio.shield(task)

    async def _ask(self, key: Key) -> str | None:
        try:
            async with asyncio.timeout(self._timeout):
                flow = await self._flow_of(*key)
        except Exception as err:  # noqa: BLE001 - unknown for now; asked again after the TTL
            log.warning(
                "flow of execution unknown",
                workspace_id=key[0],
                execution_id=key[1],
                error=repr(err),
            )
            flow = None
        if flow is None:
            self._remember_unknown(key)
        else:
            self.remember(*key, flow)
        return flow

    def _remember_unknown(self, key: Key) -> None:
        now = self._clock()
        self._unknown.pop(key, None)
        self._unknown[key] = now + self._unknown_ttl
        while self._unknown:
            oldest, expiry = next(iter(self._unknown.items()))
            if expiry > now and len(self._unknown) <= self._capacity:
                break
            del self._unknown[oldest]
