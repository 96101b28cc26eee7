"""A connected WhatsApp number as messaging keeps it, and the rules for connecting one. Pure.

Secrets (access token, app secret, verify token) are held encrypted by the adapter that stores
the record; this module only sees them as opaque strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from parley.contracts.messaging.channels import ChannelProblem, ChannelView
from parley.messaging.domain.tiers import MAX_RATE, MIN_RATE

SANDBOX_RATE = 80
M = TypeVar("M", bound=BaseModel)


class ChannelRecord(BaseModel):
    """What the channel store keeps per channel: the public view and the sealed secrets."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    workspace_id: str
    view: ChannelView
    sealed: dict[str, str] = Field(default_factory=dict)  # name -> ciphertext

    @property
    def channel_id(self) -> str:
        return self.view.channel_id

    @property
    def active(self) -> bool:
        return self.view.status == "active"

    @property
    def portfolio(self) -> str:
        """Whose messaging tier this number shares (Meta counts per business portfolio; the
        business account id is the closest identifier a connection gives us)."""
        return self.view.business_account_id or f"number-{self.view.phone_number_id}"

    def days_connected(self, now: datetime) -> float:
        return max(0.0, (now - self.view.connected_at).total_seconds() / 86_400)


class CloudApiConnection(BaseModel):
    """The fields a user types to connect a Cloud API number."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    phone_number_id: str = Field(pattern=r"^[0-9]{5,32}$")
    business_account_id: str = Field(pattern=r"^[0-9]{5,32}$")
    access_token: str = Field(min_length=20, max_length=1024)
    app_secret: str = Field(min_length=16, max_length=256)
    verify_token: str = Field(min_length=8, max_length=256)
    name: str = Field(default="", max_length=100)
    messages_per_second: int = Field(default=80, ge=MIN_RATE, le=MAX_RATE)
    warmup: bool = True


class ChannelSettings(BaseModel):
    """What `update` may change."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    name: str | None = Field(default=None, max_length=100)
    messages_per_second: int | None = Field(default=None, ge=MIN_RATE, le=MAX_RATE)
    warmup: bool | None = None
    access_token: str | None = Field(default=None, min_length=20, max_length=1024)
    app_secret: str | None = Field(default=None, min_length=16, max_length=256)
    verify_token: str | None = Field(default=None, min_length=8, max_length=256)


class SandboxSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    name: str = Field(default="Sandbox", max_length=100)


def problems_of(error: ValidationError) -> tuple[ChannelProblem, ...]:
    """Pydantic's errors as (field, rule) pairs the app can put next to each input."""
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "payload"
        rule = item["msg"]
        if item["type"] == "extra_forbidden":
            rule = "unknown field"
        elif item["type"] == "string_pattern_mismatch" and field.endswith("_id"):
            rule = "must be the numeric id shown in WhatsApp Manager"
        problems.append(ChannelProblem(field=field, rule=rule))
    return tuple(problems)


def parse_payload(
    model: type[M], payload: dict[str, Any]
) -> tuple[M | None, tuple[ChannelProblem, ...]]:
    try:
        return model.model_validate(payload), ()
    except ValidationError as error:
        return None, problems_of(error)
