"""The provider interface and the four things a send can come back as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from parley.messaging.domain.channels import ChannelRecord


@dataclass(frozen=True)
class Accepted:
    provider_message_id: str


@dataclass(frozen=True)
class Rejected:
    """The provider answered with an error: it did not take the message."""

    code: int
    http_status: int
    message: str
    details: str = ""


@dataclass(frozen=True)
class NotSent:
    """The request never reached the provider (connection refused, DNS): safe to retry."""

    reason: str


@dataclass(frozen=True)
class Unknown:
    """The request went out but no answer came back: the provider may have the message."""

    reason: str


SendResult = Accepted | Rejected | NotSent | Unknown


class Provider(Protocol):
    async def send(
        self, channel: ChannelRecord, token: str, body: dict[str, Any]
    ) -> SendResult: ...
