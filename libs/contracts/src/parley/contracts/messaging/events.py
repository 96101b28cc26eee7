"""Events of the messaging service: messages in, and what became of messages out.

Inbound messages live on `messaging.evt.<ws>.<contact_id>` (one subject per conversation, so a
contact's messages keep their order). Outbound statuses live on
`messaging.evt.<ws>.<command token>`, the subject of the send they report on.

Statuses are monotonic (sent < delivered < read; failed is final). Each carries the SendMessage
`command_id` and, for a flow's message, its `execution_id`, so a consumer never has to look up a
provider message id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from parley.contracts.messages import Event

InboundType = Literal[
    "text", "button", "list", "media", "location", "contacts", "reaction", "unsupported"
]


class InboundMessageReceived(Event, wire_name="messaging.InboundMessageReceived", version=1):
    """A contact wrote to one of the workspace's numbers.

    `text` is what a flow sees as the reply: the body of a text, the title of a tapped button or
    list row, the caption of a media message. `button_id` is the stable payload of a button or
    list row. `first_message` is true when this contact never wrote to the workspace before.
    """

    message_id: str = Field(min_length=1, max_length=256)  # the provider's id (wamid)
    channel_id: str = Field(min_length=1, max_length=128)
    contact_id: str = Field(min_length=1, max_length=128)
    phone: str = Field(default="", max_length=32)  # WhatsApp user id; empty when hidden
    # The business-scoped user id of a sender who shares no phone number (a username).
    user_id: str = Field(default="", max_length=128)
    profile_name: str = Field(default="", max_length=256)
    message_type: InboundType = "text"
    text: str = Field(default="", max_length=4096)
    button_id: str = Field(default="", max_length=256)
    media: dict[str, Any] = Field(default_factory=dict)
    first_message: bool = False
    at: datetime


DeliveryStatus = Literal["sent", "delivered", "read", "failed"]

# The order statuses move in; `failed` ranks last because nothing comes after it.
STATUS_RANK: dict[str, int] = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


class _Status(Event):
    command_id: str = Field(min_length=1, max_length=200)
    contact_id: str = Field(min_length=1, max_length=128)
    provider_message_id: str = Field(default="", max_length=256)
    execution_id: str | None = None
    channel_id: str = Field(default="", max_length=128)  # "" when no number was chosen
    at: datetime


class MessageSent(_Status, wire_name="messaging.MessageSent", version=1):
    """The provider accepted the message."""


class MessageDelivered(_Status, wire_name="messaging.MessageDelivered", version=1):
    """The message reached the contact's phone."""


class MessageRead(_Status, wire_name="messaging.MessageRead", version=1):
    """The contact opened the message (only when they share read receipts)."""


class MessageFailed(_Status, wire_name="messaging.MessageFailed", version=1):
    """The message will not arrive. `remedy` tells the user what they can do about it."""

    code: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=1000)
    retryable: bool = False
    remedy: str = Field(default="", max_length=1000)


MessageStatusEvent = MessageSent | MessageDelivered | MessageRead | MessageFailed

STATUS_OF: dict[type[Event], DeliveryStatus] = {
    MessageSent: "sent",
    MessageDelivered: "delivered",
    MessageRead: "read",
    MessageFailed: "failed",
}
