"""The live console's WebSocket protocol, over any socket that sends and receives JSON.

Every message is a JSON object with a `type`.

Client → server:

    {"type": "subscribe", "id": "<client sub id>", "workspace_id": "...",
     "flow_id": null, "execution_id": null, "since": null}
        Follow a workspace's execution events, optionally only one flow's and/or one
        execution's. `since`: the `seq` of the last event received before a disconnect; the
        events stored after it are replayed first. Null: from now on. Up to 100 subscriptions
        per socket; an id is the client's own (1-128 characters), unique among its active ones.
    {"type": "unsubscribe", "id": "<client sub id>"}
    {"type": "ping"}                       (an "id" is allowed and echoed)

Server → client:

    {"type": "event", "id": <sub id>, "seq": 123, "position": 0, "execution_id": "...",
     "flow_id": "..." | null, "event": <envelope>}
        One event. `(seq, position)` identifies it: seq is the stream sequence of the stored
        message (a decision of several events is one message, delivered whole and in order),
        position its index within it. flow_id is null while unknown (it is always known for a
        flow subscription). The envelope's payload is upcast to the gateway's schema version.
    {"type": "subscribed", "id": ..., "replayed": 3, "truncated": false, "reason": null,
     "seq": 456}
        Sent once the replay is over (at once without `since`): `replayed` events came before
        it; everything stored after `seq` follows live. `truncated`: some events after `since`
        are not in the replay, `reason` says which (older than the stream's first sequence, or
        more than the replay cap of 10,000 stored messages: then only the newest are replayed).
        To resume later, use the greater of this `seq` and the last event's `seq`.
    {"type": "unsubscribed", "id": ...}    no event of that id follows
    {"type": "error", "id": <sub id or null>, "code": "...", "field": "<field or null>",
     "message": "..."}
        INVALID      a malformed message; `field` (and the message) names the culprit
        NOT_FOUND    the workspace is not visible to the connected principal, or no active
                     subscription has that id (unsubscribe)
        FORBIDDEN    the workspace is visible but reading executions is not allowed
        LIMIT        more than 100 subscriptions on one socket
        UNAVAILABLE  the event stream could not be read for the replay; subscribe again
        An error never closes the socket; a refused subscription is simply not active.
    {"type": "pong"}

Close codes:

    4008  slow consumer: a subscription had more than N events waiting to be sent (its buffer);
          the reason says "slow consumer: more than N events buffered; reconnect with since=S",
          S being the last seq sent on that subscription whose commit was sent whole. Events
          of a commit cut short may come again after the reconnect: skip the (seq, position)
          pairs already seen.
    1012  the gateway is shutting down: "gateway restarting; reconnect with since=S".

Authentication happens before: `authorize(workspace_id, permission)` answers for the socket's
principal; a workspace without "workspace:read" is NOT_FOUND (never confirming it exists), one
without "executions:read" FORBIDDEN.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import aclosing
from typing import Any, Protocol

import structlog
from nats.js import JetStreamContext

from parley.contracts.streams import FLOW_ENGINE
from parley.gateway.live.events import LiveEvent
from parley.gateway.live.hub import DEFAULT_BUFFER, LiveHub, Subscription
from parley.gateway.live.resume import (
    DEFAULT_REPLAY_LIMIT,
    CaughtUp,
    ReplayFailed,
    Resumed,
    ResumeError,
    resume,
)
from parley.gateway.live.socket_messages import Ping, Refused, Subscribe, Unsubscribe, parse

log = structlog.get_logger(__name__)

SLOW_CONSUMER = 4008
SERVICE_RESTART = 1012
MAX_SUBSCRIPTIONS = 100
READ_WORKSPACE = "workspace:read"
READ_EXECUTIONS = "executions:read"

Authorize = Callable[[str, str], Awaitable[bool]]


class LiveSocket(Protocol):
    """What the handler needs of a WebSocket. `receive_json` raises ValueError for a frame that
    is not JSON (answered with an INVALID error) and any other exception once the peer is gone;
    `send_json` raises once the peer is gone."""

    async def receive_json(self) -> Any: ...

    async def send_json(self, obj: Any, /) -> None: ...

    async def close(self, code: int, reason: str, /) -> None: ...


async def serve_live_socket(
    socket: LiveSocket,
    hub: LiveHub,
    js: JetStreamContext,
    *,
    authorize: Authorize,
    buffer: int = DEFAULT_BUFFER,
    max_subscriptions: int = MAX_SUBSCRIPTIONS,
    replay_limit: int = DEFAULT_REPLAY_LIMIT,
    stream: str = FLOW_ENGINE.name,
) -> None:
    """Serve one connected socket until the peer leaves or the session must close (then the
    socket is closed with the code above). Every subscription is released on return."""
    session = _Session(
        socket,
        hub,
        js,
        authorize,
        buffer=buffer,
        max_subscriptions=max_subscriptions,
        replay_limit=replay_limit,
        stream=stream,
    )
    await session.run()


# -- the session ----------------------------------------------------------------------------


class _PeerGone(Exception):
    pass


class _Progress:
    """Where a subscription's client stands: every event up to `seq` was sent."""

    def __init__(self, since: int | None) -> None:
        self.seq = since


class _Session:
    def __init__(
        self,
        socket: LiveSocket,
        hub: LiveHub,
        js: JetStreamContext,
        authorize: Authorize,
        *,
        buffer: int,
        max_subscriptions: int,
        replay_limit: int,
        stream: str,
    ) -> None:
        self._socket = socket
        self._hub = hub
        self._js = js
        self._authorize = authorize
        self._buffer = buffer
        self._max_subscriptions = max_subscriptions
        self._replay_limit = replay_limit
        self._stream = stream
        self._pumps: dict[str, asyncio.Task[None]] = {}
        self._send_lock = asyncio.Lock()
        # Set once: the session ends. A (code, reason) maker to close with, or None (peer gone).
        self._ending: asyncio.Future[Callable[[], tuple[int, str]] | None] = (
            asyncio.get_running_loop().create_future()
        )

    async def run(self) -> None:
        receiver = asyncio.create_task(self._receive())
        try:
            waiters: set[asyncio.Future[Any]] = {receiver, self._ending}
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            tasks = [receiver, *self._pumps.values()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        close = self._ending.result() if self._ending.done() else None
        if close is not None:
            code, reason = close()
            try:
                await self._socket.close(code, reason)
            except Exception:  # noqa: BLE001 - the peer may be gone already
                log.debug("live socket already closed", code=code)

    def _end(self, close: Callable[[], tuple[int, str]] | None) -> None:
        if not self._ending.done():
            self._ending.set_result(close)

    async def _send(self, obj: dict[str, Any]) -> None:
        async with self._send_lock:
            try:
                await self._socket.send_json(obj)
            except Exception as err:
                raise _PeerGone from err

    async def _error(self, refused: Refused) -> None:
        await self._send(
            {
                "type": "error",
                "id": refused.sub_id,
                "code": refused.code,
                "field": refused.field,
                "message": refused.message,
            }
        )

    # -- receiving --------------------------------------------------------------------------

    async def _receive(self) -> None:
        try:
            while True:
                try:
                    message = await self._socket.receive_json()
                except ValueError as err:
                    await self._error(
                        Refused("INVALID", None, f"a message must be JSON text: {err}", None)
                    )
                    continue
                except Exception:  # noqa: BLE001 - the peer is gone: end the session
                    return
                try:
                    await self._handle(message)
                except Refused as refused:
                    await self._error(refused)
        except _PeerGone:
            return

    async def _handle(self, message: Any) -> None:
        request = parse(message)
        if isinstance(request, Ping):
            pong: dict[str, Any] = {"type": "pong"}
            if request.id is not None:
                pong["id"] = request.id
            await self._send(pong)
        elif isinstance(request, Unsubscribe):
            pump = self._pumps.pop(request.id, None)
            if pump is None:
                raise Refused(
                    "NOT_FOUND", "id", f"no active subscription has id {request.id!r}", request.id
                )
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)
            await self._send({"type": "unsubscribed", "id": request.id})
        else:
            if request.id in self._pumps:
                raise Refused(
                    "INVALID",
                    "id",
                    f"id {request.id!r} is already used by an active subscription",
                    request.id,
                )
            if len(self._pumps) >= self._max_subscriptions:
                raise Refused(
                    "LIMIT",
                    None,
                    f"a socket holds at most {self._max_subscriptions} subscriptions: "
                    "unsubscribe one first",
                    request.id,
                )
            self._pumps[request.id] = asyncio.create_task(self._pump(request))

    # -- one subscription -------------------------------------------------------------------

    async def _pump(self, request: Subscribe) -> None:
        sub_id = request.id
        try:
            resumed = await self._open(request)
            progress = _Progress(request.since)
            resumed.subscription.add_close_callback(
                lambda sub: self._closed(sub, progress) if sub.overflowed else None
            )
            async with aclosing(resumed):
                async for item in resumed:
                    if isinstance(item, CaughtUp):
                        await self._send(_subscribed(sub_id, item))
                        progress.seq = item.seq
                    else:
                        await self._send(_event(sub_id, item))
                        if item.ends_commit:
                            progress.seq = item.seq
            # Ended without being cancelled: an overflow (handled by the callback), or the hub
            # shutting down.
            if not resumed.subscription.overflowed:
                self._end(lambda: (SERVICE_RESTART, _with_since("gateway restarting", progress)))
        except ReplayFailed as err:
            log.warning("live replay failed", subscription=sub_id, error=str(err))
            await self._error(Refused("UNAVAILABLE", None, f"{err}; subscribe again", sub_id))
        except Refused as refused:
            await self._error(refused)
        except _PeerGone:
            self._end(None)
        finally:
            if self._pumps.get(sub_id) is asyncio.current_task():
                del self._pumps[sub_id]

    async def _open(self, request: Subscribe) -> Resumed:
        topic = request.topic
        ws = topic.workspace_id
        if not await self._authorize(ws, READ_WORKSPACE):
            raise Refused("NOT_FOUND", "workspace_id", f"workspace {ws!r} not found", request.id)
        if not await self._authorize(ws, READ_EXECUTIONS):
            raise Refused(
                "FORBIDDEN",
                "workspace_id",
                f"reading the live events of workspace {ws!r} needs the "
                f"{READ_EXECUTIONS} permission",
                request.id,
            )
        try:
            return await resume(
                self._hub,
                self._js,
                topic,
                request.since,
                buffer=self._buffer,
                limit=self._replay_limit,
                stream=self._stream,
            )
        except ResumeError as err:
            raise Refused("INVALID", err.field, str(err), request.id) from None

    def _closed(self, subscription: Subscription, progress: _Progress) -> None:
        # Called inside the hub's fan-out: end the session at once, even if the pump is stuck
        # in a send; the reason is made at close time, from where the client got to by then.
        self._end(
            lambda: (
                SLOW_CONSUMER,
                _with_since(
                    f"slow consumer: more than {subscription.buffer} events buffered", progress
                ),
            )
        )


def _with_since(what: str, progress: _Progress) -> str:
    if progress.seq is None:
        return f"{what}; reconnect"
    return f"{what}; reconnect with since={progress.seq}"


def _subscribed(sub_id: str, caught_up: CaughtUp) -> dict[str, Any]:
    return {
        "type": "subscribed",
        "id": sub_id,
        "replayed": caught_up.replayed,
        "truncated": caught_up.truncated,
        "reason": caught_up.reason,
        "seq": caught_up.seq,
    }


def _event(sub_id: str, event: LiveEvent) -> dict[str, Any]:
    return {
        "type": "event",
        "id": sub_id,
        "seq": event.seq,
        "position": event.position,
        "execution_id": event.execution_id,
        "flow_id": event.flow_id,
        "event": event.envelope,
    }
