"""Live execution events for the gateway's WebSocket console and GraphQL subscriptions.

One `LiveFeed` per process consumes `exec.evt.>` and hands decoded `LiveEvent`s to its
`LiveHub`, which fans them out to bounded `Subscription`s per `Topic` (a workspace, optionally
a flow and/or an execution). `resume` replays what a client missed since a stream sequence
before going live; `serve_live_socket` speaks the WebSocket protocol over any `LiveSocket`.
No web framework or authentication here: the gateway supplies `authorize` and `flow_of`.
"""

from parley.gateway.live.events import LiveEvent, Topic
from parley.gateway.live.feed import LiveFeed
from parley.gateway.live.flows import FlowDirectory, FlowLookup
from parley.gateway.live.hub import DEFAULT_BUFFER, LiveHub, Subscription
from parley.gateway.live.resume import (
    DEFAULT_REPLAY_LIMIT,
    CaughtUp,
    ReplayFailed,
    Resumed,
    ResumeError,
    resume,
)
from parley.gateway.live.socket_protocol import (
    MAX_SUBSCRIPTIONS,
    SERVICE_RESTART,
    SLOW_CONSUMER,
    Authorize,
    LiveSocket,
    serve_live_socket,
)

__all__ = [
    "DEFAULT_BUFFER",
    "DEFAULT_REPLAY_LIMIT",
    "MAX_SUBSCRIPTIONS",
    "SERVICE_RESTART",
    "SLOW_CONSUMER",
    "Authorize",
    "CaughtUp",
    "FlowDirectory",
    "FlowLookup",
    "LiveEvent",
    "LiveFeed",
    "LiveHub",
    "LiveSocket",
    "ReplayFailed",
    "ResumeError",
    "Resumed",
    "Subscription",
    "Topic",
    "resume",
    "serve_live_socket",
]
