"""The client's messages of the live socket protocol (see `socket_protocol`), checked.

Anything malformed is refused with the field at fault named, and unknown fields are refused
too, so a typo (`sinse`) is an answer rather than a silently ignored option.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.contracts.subjects import InvalidSubjectToken, token
from parley.gateway.live.events import Topic

MAX_ID_LENGTH = 128


class Refused(Exception):
    """An error to answer with: code, field at fault (or None), message, subscription id."""

    def __init__(self, code: str, field: str | None, message: str, sub_id: str | None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message
        self.sub_id = sub_id


@dataclass(frozen=True)
class Ping:
    id: str | None


@dataclass(frozen=True)
class Subscribe:
    id: str
    topic: Topic
    since: int | None


@dataclass(frozen=True)
class Unsubscribe:
    id: str


_FIELDS = {
    "subscribe": {"type", "id", "workspace_id", "flow_id", "execution_id", "since"},
    "unsubscribe": {"type", "id"},
    "ping": {"type", "id"},
}


def parse(message: Any) -> Ping | Subscribe | Unsubscribe:
    if not isinstance(message, dict):
        raise Refused(
            "INVALID",
            None,
            f"each message must be a JSON object with a type, not {type(message).__name__}",
            None,
        )
    raw_id = message.get("id")
    sub_id = raw_id if isinstance(raw_id, str) else None
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in _FIELDS:
        raise Refused(
            "INVALID", "type", "type must be one of: subscribe, unsubscribe, ping", sub_id
        )
    for name in message:
        if name not in _FIELDS[kind]:
            raise Refused("INVALID", name, f"unknown field {name!r} in a {kind} message", sub_id)
    if kind == "ping":
        return Ping(sub_id)
    ident = _identifier(message, sub_id)
    if kind == "unsubscribe":
        return Unsubscribe(ident)
    topic = Topic(
        _token(message, "workspace_id", ident, required=True) or "",
        flow_id=_token(message, "flow_id", ident),
        execution_id=_token(message, "execution_id", ident),
    )
    return Subscribe(ident, topic, _since(message, ident))


def _identifier(message: dict[str, Any], sub_id: str | None) -> str:
    if "id" not in message or message["id"] is None:
        raise Refused(
            "INVALID", "id", "id is required: the client's name for the subscription", None
        )
    if sub_id is None or not 1 <= len(sub_id) <= MAX_ID_LENGTH:
        raise Refused(
            "INVALID", "id", f"id must be a string of 1 to {MAX_ID_LENGTH} characters", None
        )
    return sub_id


def _token(
    message: dict[str, Any], name: str, sub_id: str, *, required: bool = False
) -> str | None:
    value = message.get(name)
    if value is None:
        if required:
            raise Refused("INVALID", name, f"{name} is required", sub_id)
        return None
    if not isinstance(value, str):
        raise Refused("INVALID", name, f"{name} must be a string or null", sub_id)
    try:
        return token(name, value)
    except InvalidSubjectToken as err:
        raise Refused("INVALID", name, str(err), sub_id) from None


def _since(message: dict[str, Any], sub_id: str) -> int | None:
    since = message.get("since")
    if since is None:
        return None
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        raise Refused(
            "INVALID",
            "since",
            "since must be null or the seq (a whole number, 0 or more) of the last event received",
            sub_id,
        )
    return since
