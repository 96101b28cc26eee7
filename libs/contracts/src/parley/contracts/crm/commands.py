"""Commands to the crm service, on `crm.cmd.<workspace>.<command token>`."""

from __future__ import annotations

from pydantic import Field

from parley.contracts.messages import Command


class UpdateContact(Command, wire_name="crm.UpdateContact", version=1):
    """Add and remove tags and set fields on one contact.

    `command_id` is deterministic (a flow's is `<execution_id>:<step>`) and is the message's
    Nats-Msg-Id, so a redelivered decision updates the contact once. Tags are added after the
    removals; a tag in both lists ends up present.
    """

    command_id: str = Field(min_length=1, max_length=200)
    contact_id: str = Field(min_length=1, max_length=128)
    add_tags: tuple[str, ...] = Field(default=(), max_length=20)
    remove_tags: tuple[str, ...] = Field(default=(), max_length=20)
    set_fields: dict[str, str] = Field(default_factory=dict, max_length=30)
    execution_id: str | None = None
    node_id: str | None = None
