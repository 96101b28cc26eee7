"""A workspace's WhatsApp numbers (channels): what happened to them, and how to change them.

Events live on `messaging.evt.<ws>.<channel_id>`. Changes and reads go over request/reply
(`parley.q.messaging.<name>`), because the gateway needs an answer: whether the number was
connected and, if not, which field broke which rule. No event or reply ever carries a secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.messages import Event, Query, Reply

Provider = Literal["cloud_api", "sandbox"]  # room for "instagram" and "messenger" later
ChannelStatus = Literal["active", "paused", "disconnected"]
HealthLevel = Literal["healthy", "watch", "slowed", "campaigns_paused"]
# The score from which a number is "healthy" (messaging's watchdog; the dashboard flags below it).
HEALTHY_FROM = 80
CHANNEL_ID_PATTERN = r"^[A-Za-z0-9_\-]{1,64}$"


class ChannelView(BaseModel):
    """A channel as the app shows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    channel_id: str
    provider: Provider
    name: str = ""
    phone_number_id: str
    display_phone_number: str = ""
    verified_name: str = ""
    business_account_id: str = ""
    status: ChannelStatus = "active"
    paused_code: str = ""
    paused_reason: str = ""
    paused_remedy: str = ""
    messages_per_second: int = 80
    warmup: bool = False
    tier: str = "TIER_250"
    quality: str = "UNKNOWN"
    connected_at: datetime


class ChannelConnected(Event, wire_name="messaging.ChannelConnected", version=1):
    channel: ChannelView


class ChannelUpdated(Event, wire_name="messaging.ChannelUpdated", version=1):
    channel: ChannelView
    changed: tuple[str, ...]


class ChannelDisconnected(Event, wire_name="messaging.ChannelDisconnected", version=1):
    channel_id: str


class NumberPaused(Event, wire_name="messaging.NumberPaused", version=1):
    """WhatsApp refused the number itself (policy restriction, locked account, bad token): no
    send goes out on it until someone fixes the cause and resumes it. Sends wait, they are not
    dropped."""

    channel_id: str
    code: str
    reason: str
    remedy: str = ""


class NumberResumed(Event, wire_name="messaging.NumberResumed", version=1):
    channel_id: str


class NumberQualityChanged(Event, wire_name="messaging.NumberQualityChanged", version=1):
    """From Meta's `phone_number_quality_update` / `business_capability_update` webhooks."""

    channel_id: str
    quality: str
    tier: str
    event: str = ""


class HealthReason(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    code: str
    penalty: int
    detail: str


class NumberHealthChanged(Event, wire_name="messaging.NumberHealthChanged", version=1):
    """The watchdog moved the number to another level. `slowed` halves its rate;
    `campaigns_paused` asks campaigns on it to pause (replies to customers still go out)."""

    channel_id: str
    score: int = Field(ge=0, le=100)
    level: HealthLevel
    previous_level: HealthLevel
    reasons: tuple[HealthReason, ...] = ()


ChannelAction = Literal["connect_cloud_api", "create_sandbox", "update", "disconnect", "resume"]


class ChangeChannel(Query, wire_name="messaging.ChangeChannel", version=1):
    """`payload` holds the action's fields:
    connect_cloud_api {phone_number_id, business_account_id, access_token, app_secret,
    verify_token, name?, messages_per_second?, warmup?}; create_sandbox {name?};
    update {name?, messages_per_second?, warmup?, access_token?, app_secret?, verify_token?}."""

    channel_id: str = Field(pattern=CHANNEL_ID_PATTERN)
    action: ChannelAction
    payload: dict[str, Any] = Field(default_factory=dict)


class ChannelProblem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    field: str
    rule: str


class ChannelChangeResult(Reply, wire_name="messaging.ChannelChangeResult", version=1):
    ok: bool
    channel_id: str
    code: str = ""  # CHANNEL_INVALID, CHANNEL_EXISTS, CHANNEL_NOT_FOUND, CREDENTIALS_REJECTED, ...
    message: str = ""
    problems: tuple[ChannelProblem, ...] = ()
    channel: ChannelView | None = None


class ListChannels(Query, wire_name="messaging.ListChannels", version=1):
    include_disconnected: bool = False


class ChannelList(Reply, wire_name="messaging.ChannelList", version=1):
    channels: tuple[ChannelView, ...]


class GetNumberHealth(Query, wire_name="messaging.GetNumberHealth", version=1):
    channel_id: str = Field(pattern=CHANNEL_ID_PATTERN)


class NumberHealthReport(Reply, wire_name="messaging.NumberHealthReport", version=1):
    channel_id: str
    score: int
    level: HealthLevel
    rate_factor: float
    reasons: tuple[HealthReason, ...]
    quality: str
    tier: str
    counts: dict[str, int]  # the last 24 h: sent, delivered, failed, spam_signals, ...
