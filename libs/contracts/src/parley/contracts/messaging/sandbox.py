"""The sandbox number's simulator: act as a customer, read the conversation.

Over request/reply on `parley.q.messaging.sandbox-send` and `...sandbox-conversation`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from parley.contracts.messages import Query, Reply
from parley.contracts.messaging.channels import CHANNEL_ID_PATTERN

PHONE_PATTERN = r"^\+?[0-9]{6,15}$"


class SandboxSend(Query, wire_name="messaging.SandboxSend", version=1):
    """A customer writes to the sandbox number: text, or a tap on a button or list row
    (`reply_id` and `text` = its title)."""

    channel_id: str = Field(pattern=CHANNEL_ID_PATTERN)
    phone: str = Field(pattern=PHONE_PATTERN)
    profile_name: str = Field(default="Sandbox customer", max_length=256)
    message_type: Literal["text", "button", "list"] = "text"
    text: str = Field(min_length=1, max_length=4096)
    reply_id: str = Field(default="", max_length=256)

    @model_validator(mode="after")
    def _reply_needs_id(self) -> SandboxSend:
        if self.message_type != "text" and not self.reply_id:
            raise ValueError(f"reply_id: required for a {self.message_type} reply")
        return self


class SandboxSent(Reply, wire_name="messaging.SandboxSent", version=1):
    message_id: str
    contact_id: str


class SandboxMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    message_id: str
    direction: Literal["inbound", "outbound"]
    phone: str
    content: dict[str, Any]
    status: str = ""
    at: datetime
    position: int


class SandboxConversation(Query, wire_name="messaging.SandboxConversation", version=1):
    """Messages with one customer, oldest first; pass `after` (a position) to page on."""

    channel_id: str = Field(pattern=CHANNEL_ID_PATTERN)
    phone: str = Field(pattern=PHONE_PATTERN)
    after: int = Field(default=0, ge=0, le=2**63 - 1)  # positions are 64-bit
    limit: int = Field(default=50, ge=1, le=200)


class SandboxConversationPage(Reply, wire_name="messaging.SandboxConversationPage", version=1):
    messages: tuple[SandboxMessage, ...]
    next_after: int | None  # None: nothing more yet
