"""Base classes of every contract: events, commands, queries and their replies.

A contract declares its stable wire name and schema version in the class statement:

    class ExecutionStarted(Event, wire_name="flow.ExecutionStarted", version=1):
        flow_id: str

The wire name, never the Python path, is what the log stores, so moving a module never breaks a
stored event. Payloads are frozen; unknown fields are ignored when reading (tolerant reader) unless
the caller decodes strictly, as the tests do.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    wire_name: ClassVar[str]
    schema_version: ClassVar[int]
    kind: ClassVar[str] = "message"

    def __init_subclass__(
        cls, *, wire_name: str | None = None, version: int = 1, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if wire_name is None:
            return  # an abstract intermediate class such as Event
        if "." not in wire_name:
            raise ValueError(f"wire name {wire_name!r} must be '<context>.<Name>'")
        if version < 1:
            raise ValueError(f"{wire_name}: schema version must be >= 1, got {version}")
        cls.wire_name = wire_name
        cls.schema_version = version
        from parley.contracts.registry import registry

        registry.register(cls)


class Event(Message):
    """Something that happened. Past tense names."""

    kind: ClassVar[str] = "event"


class Command(Message):
    """A request to do something, addressed to the one service that owns it."""

    kind: ClassVar[str] = "command"


class Query(Message):
    """A read over NATS request/reply; answered by a Reply."""

    kind: ClassVar[str] = "query"


class Reply(Message):
    kind: ClassVar[str] = "reply"
