"""Live execution events over graphql-transport-ws.

`executionEvents` is checked (`executions:read` in the workspace) and resumed (the events
stored after `since`, through the live package's `resume`) before the first event is sent, so a
refusal is the operation's `error` message, never a half-open stream. The hub subscription is
freed however the stream ends: the client's `complete`, the socket closing, or the server.

A stream the gateway ends says how to pick up again: SLOW_CONSUMER (this client fell more than
its buffer behind) or SERVICE_RESTART, each with `since`, the seq to resubscribe with.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from datetime import datetime

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from parley.contracts.subjects import token
from parley.gateway.graphql.context import Info, needs, subscription
from parley.gateway.graphql.errors import translated
from parley.gateway.graphql.types import ID, Long
from parley.gateway.live import CaughtUp, LiveEvent, Resumed, Topic, resume


@strawberry.type
class ExecutionEvent:
    """One event of an execution, as stored: `seq` (shared by the events of one decision) and
    `position` identify it; resubscribe with `since: <the last seq>` to resume after it."""

    seq: Long
    position: int
    type: str = strawberry.field(description="the wire name")
    execution_id: ID
    flow_id: ID | None = strawberry.field(description="null while not known")
    occurred_at: datetime
    data: JSON = strawberry.field(description="the event's fields")

    @classmethod
    def of(cls, event: LiveEvent) -> ExecutionEvent:
        return cls(
            seq=Long(event.seq),
            position=event.position,
            type=event.type,
            execution_id=ID(event.execution_id),
            flow_id=None if event.flow_id is None else ID(event.flow_id),
            occurred_at=event.occurred_at,
            data=JSON(event.envelope.get("data", {})),
        )


def _ended(resumed: Resumed, since: int | None) -> GraphQLError:
    again = "resubscribe" if since is None else f"resubscribe with since: {since}"
    if resumed.subscription.overflowed:
        buffer = resumed.subscription.buffer
        code, status, what = "SLOW_CONSUMER", 429, f"more than {buffer} events were waiting"
    else:
        code, status, what = "SERVICE_RESTART", 503, "the gateway is restarting"
    extensions = {"code": code, "status": status, "errors": [], "since": since}
    return GraphQLError(f"{what}; {again}", extensions=extensions)


async def _events(resumed: Resumed, since: int | None) -> AsyncGenerator[ExecutionEvent, None]:
    async with aclosing(resumed):  # frees the hub subscription, whatever ends the stream
        with translated():
            async for item in resumed:
                if isinstance(item, CaughtUp):
                    since = item.seq if since is None else max(since, item.seq)
                    continue
                yield ExecutionEvent.of(item)
                if item.ends_commit:  # a commit is a clean cut: resume after it
                    since = item.seq
    raise _ended(resumed, since)


@strawberry.type
class Subscription:
    @subscription(
        description="A workspace's execution events, optionally one flow's and/or one "
        "execution's; with `since`, the events stored after that seq come first."
    )
    @needs("executions:read")
    async def execution_events(
        self,
        info: Info,
        workspace_id: ID,
        flow_id: ID | None = None,
        execution_id: ID | None = None,
        since: Long | None = None,
    ) -> AsyncGenerator[ExecutionEvent, None]:
        for field, value in (("flowId", flow_id), ("executionId", execution_id)):
            if value is not None:
                token(field, value)
        gateway = info.context.gateway
        resumed = await resume(
            gateway.hub,
            gateway.nc.jetstream(),
            Topic(workspace_id, flow_id=flow_id, execution_id=execution_id),
            since,
            buffer=gateway.settings.ws_client_buffer,
        )
        return _events(resumed, since)
