"""The envelope every message travels in, and its JSON wire form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from parley.contracts.ids import new_id
from parley.contracts.messages import Message
from parley.contracts.strictness import resolve


class Envelope(BaseModel):
    """Metadata shared by every event, command and query.

    `data` holds the payload as stored; the registry turns it into the typed message, running
    upcasters first when `schema_version` is older than the code's.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID
    type: str = Field(min_length=3)
    schema_version: int = Field(ge=1)
    occurred_at: datetime
    workspace_id: str = Field(min_length=1)
    correlation_id: UUID
    causation_id: UUID | None = None
    traceparent: str | None = None
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls,
        message: Message,
        *,
        workspace_id: str,
        correlation_id: UUID | None = None,
        causation_id: UUID | None = None,
        traceparent: str | None = None,
        event_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        """Wrap a message; a first message starts its own correlation."""
        event_id = event_id or new_id()
        return cls(
            event_id=event_id,
            type=message.wire_name,
            schema_version=message.schema_version,
            occurred_at=occurred_at or datetime.now(UTC),
            workspace_id=workspace_id,
            correlation_id=correlation_id or event_id,
            causation_id=causation_id,
            traceparent=traceparent,
            data=message.model_dump(mode="json"),
        )

    def caused(self, message: Message, **overrides: Any) -> Envelope:
        """Wrap a message that this one caused: same workspace and correlation, causation = us."""
        return Envelope.wrap(
            message,
            workspace_id=overrides.pop("workspace_id", self.workspace_id),
            correlation_id=self.correlation_id,
            causation_id=self.event_id,
            traceparent=overrides.pop("traceparent", self.traceparent),
            **overrides,
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes, *, strict: bool | None = None) -> Envelope:
        return cls.model_validate_json(raw, extra="forbid" if resolve(strict) else None)
