"""Parsing a WhatsApp Cloud API webhook body into what happened: messages in, statuses out.

Tolerant by design: Meta batches up to 1,000 updates, a change may hold messages and statuses
together, fields come and go between API versions, and `from`/`wa_id` may be missing (a sender
known only by a business-scoped id). Anything we cannot read is kept as `unsupported` with the
raw object, never a crash, because the body was already acknowledged and cannot be asked again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

InboundType = Literal[
    "text", "button", "list", "media", "location", "contacts", "reaction", "unsupported"
]
StatusValue = Literal["sent", "delivered", "read", "failed", "played"]
_MEDIA = ("image", "video", "audio", "document", "sticker")
_STATUSES = frozenset({"sent", "delivered", "read", "failed", "played"})


@dataclass(frozen=True)
class Inbound:
    message_id: str
    phone_number_id: str  # our number it was sent to
    sender: str  # wa_id, or the user id when the phone is hidden; "" if neither is given
    profile_name: str
    message_type: InboundType
    text: str  # text body, button/row title, or media caption
    button_id: str  # payload of a button or id of a list row
    at: datetime
    media: dict[str, Any] = field(default_factory=dict)
    context_id: str = ""  # the message this one replies to


@dataclass(frozen=True)
class StatusUpdate:
    message_id: str  # the wamid of our outbound message
    phone_number_id: str
    status: StatusValue
    recipient: str
    at: datetime
    errors: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class WebhookContents:
    inbound: tuple[Inbound, ...]
    statuses: tuple[StatusUpdate, ...]
    errors: tuple[dict[str, Any], ...]  # system-level `value.errors[]`
    other_fields: tuple[str, ...]  # changes we do not handle here (quality, templates, ...)


class NotAWebhook(ValueError):
    """The body is not a WhatsApp Business Account webhook at all."""


def parse(body: dict[str, Any]) -> WebhookContents:
    if body.get("object") != "whatsapp_business_account":
        raise NotAWebhook(f"object is {body.get('object')!r}, not 'whatsapp_business_account'")
    inbound: list[Inbound] = []
    statuses: list[StatusUpdate] = []
    errors: list[dict[str, Any]] = []
    other: list[str] = []
    for entry in _list(body.get("entry")):
        for change in _list(entry.get("changes")):
            value = _dict(change.get("value"))
            if change.get("field") != "messages":
                other.append(str(change.get("field")))
                continue
            number = str(_dict(value.get("metadata")).get("phone_number_id", ""))
            names = {
                str(c.get("wa_id") or c.get("user_id") or ""): str(
                    _dict(c.get("profile")).get("name", "")
                )
                for c in _list(value.get("contacts"))
            }
            inbound += (_message(m, number, names) for m in _list(value.get("messages")))
            statuses += (s for s in (_status(s, number) for s in _list(value.get("statuses"))) if s)
            errors += _list(value.get("errors"))
    return WebhookContents(tuple(inbound), tuple(statuses), tuple(errors), tuple(other))


def _message(raw: dict[str, Any], number: str, names: dict[str, str]) -> Inbound:
    sender = str(raw.get("from") or raw.get("from_user_id") or "")
    kind = str(raw.get("type", ""))
    text, button_id, media = "", "", {}
    message_type: InboundType = "unsupported"
    if kind == "text":
        message_type, text = "text", str(_dict(raw.get("text")).get("body", ""))
    elif kind == "interactive":
        interactive = _dict(raw.get("interactive"))
        reply_kind = str(interactive.get("type", ""))
        reply = _dict(interactive.get(reply_kind))
        if reply_kind in ("button_reply", "list_reply"):
            message_type = "button" if reply_kind == "button_reply" else "list"
            text, button_id = str(reply.get("title", "")), str(reply.get("id", ""))
    elif kind == "button":  # a template quick-reply tap: not an interactive reply
        button = _dict(raw.get("button"))
        message_type, text = "button", str(button.get("text", ""))
        button_id = str(button.get("payload") or text)
    elif kind in _MEDIA:
        media = {"kind": kind, **_dict(raw.get(kind))}
        message_type, text = "media", str(media.get("caption", ""))
    elif kind in ("location", "contacts", "reaction"):
        message_type = kind  # type: ignore[assignment]  # the three are InboundType values
        media = {"kind": kind, "value": raw.get(kind)}
    if message_type == "unsupported":
        media = {"kind": kind or "unknown", "raw": raw}
    return Inbound(
        message_id=str(raw.get("id", "")),
        phone_number_id=number,
        sender=sender,
        profile_name=names.get(sender, ""),
        message_type=message_type,
        text=text[:4096],
        button_id=button_id[:256],
        at=_time(raw.get("timestamp")),
        media=media,
        context_id=str(_dict(raw.get("context")).get("id", "")),
    )


def _status(raw: dict[str, Any], number: str) -> StatusUpdate | None:
    status = raw.get("status")
    if status not in _STATUSES or not raw.get("id"):
        return None
    return StatusUpdate(
        message_id=str(raw["id"]),
        phone_number_id=number,
        status=status,
        recipient=str(raw.get("recipient_id", "")),
        at=_time(raw.get("timestamp")),
        errors=tuple(_list(raw.get("errors"))),
    )


def _time(value: Any) -> datetime:
    # Unix seconds as a string; a missing or bad one is dated at the epoch rather than "now",
    # so it can never overtake a correctly dated status.
    try:
        return datetime.fromtimestamp(int(str(value)), UTC)
    except (TypeError, ValueError, OverflowError):
        return datetime.fromtimestamp(0, UTC)


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
