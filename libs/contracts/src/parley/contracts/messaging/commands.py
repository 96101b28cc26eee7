"""Commands to the messaging service, on `messaging.cmd.<workspace>.<command token>`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from parley.contracts.messages import Command
from parley.contracts.subjects import command_token

__all__ = ["SendMessage", "command_token"]


class SendMessage(Command, wire_name="messaging.SendMessage", version=1):
    """Send one WhatsApp message to a contact.

    `command_id` is deterministic (a flow's is `<execution_id>:<step>`); it is the message's
    `Nats-Msg-Id` and messaging's idempotency key, so one id makes at most one provider call.
    `message` is a rendered content of a flow's send_message node (kind text, media, buttons,
    list or template); the messaging service owns the channel, the 24-hour window and consent.
    """

    command_id: str = Field(min_length=1, max_length=200)
    contact_id: str = Field(min_length=1, max_length=128)
    message: dict[str, Any]
    execution_id: str | None = None
    node_id: str | None = None
    # A campaign reaching a contact who never wrote in names the number and channel itself;
    # a flow's reply leaves them empty and the conversation the contact opened decides.
    to: str = Field(default="", max_length=64)
    channel_id: str = Field(default="", max_length=64)
