"""Message counts of a workspace, by hour: what the dashboard shows.

Messaging keeps them in a read model of its own events (MessageSent / Delivered / Read / Failed
and InboundMessageReceived), bucketed by the clock hour (UTC) of each event's `at`, per number.
Asked over request/reply on `parley.q.messaging.message-stats`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from parley.contracts.messages import Query, Reply

MAX_HOURS = 720  # 30 days


class GetMessageStats(Query, wire_name="messaging.GetMessageStats", version=1):
    """Counts of the `hours` clock hours starting at `since` (rounded down to its hour)."""

    since: AwareDatetime
    hours: int = Field(default=24, ge=1, le=MAX_HOURS)
    top_failures: int = Field(default=10, ge=1, le=100)  # failure codes listed, most first


class MessageCounts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    sent: int = 0
    delivered: int = 0
    read: int = 0
    failed: int = 0
    inbound: int = 0  # messages contacts wrote (the dashboard's "replies")


class HourCounts(MessageCounts):
    at: datetime  # the start of the hour, UTC


class ChannelCounts(MessageCounts):
    channel_id: str  # "" for failures of sends that never had a number


class FailureCount(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    count: int


class MessageStats(Reply, wire_name="messaging.MessageStats", version=1):
    """`hours` lists only the hours with something in them, oldest first; `channels` the numbers
    with something in the period; `failures` the most frequent codes of failed sends."""

    since: datetime
    until: datetime  # exclusive
    totals: MessageCounts
    hours: tuple[HourCounts, ...] = ()
    channels: tuple[ChannelCounts, ...] = ()
    failures: tuple[FailureCount, ...] = ()
