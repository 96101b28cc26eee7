"""A SendMessage's content as the Cloud API request body (platform-facts §A1). Pure.

The content was validated against WhatsApp's limits when the flow or campaign was saved
(`parley.contracts.flows.messages`); it is validated again here because a command is an input
from the network, and a body Meta would refuse costs a call and a quality signal.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter, ValidationError

from parley.contracts.flows.messages import (
    ButtonsContent,
    ListContent,
    MediaContent,
    MessageContent,
    TemplateContent,
    TextContent,
)

_CONTENT: TypeAdapter[MessageContent] = TypeAdapter(MessageContent)


class UnsendableContent(ValueError):
    """The content cannot become a Cloud API message; the message names the field and rule."""


def parse_content(message: dict[str, Any]) -> MessageContent:
    try:
        return _CONTENT.validate_python(message)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "message"
        raise UnsendableContent(f"message.{where}: {first['msg']}") from None


def is_template(message: dict[str, Any]) -> bool:
    """Templates are the only messages allowed outside the 24-hour customer-service window."""
    return message.get("kind") == "template"


BSUID = re.compile(r"^[A-Z]{2}\.[A-Za-z0-9]{1,128}$")


def cloud_body(message: dict[str, Any], to: str) -> dict[str, Any]:
    """The JSON body of `POST /{phone_number_id}/messages` for `message` to `to` (a wa_id)."""
    content = parse_content(message)
    base: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
    # A user known only by a business-scoped user id (no phone) is addressed by `recipient`.
    base["recipient" if BSUID.match(to) else "to"] = to
    if isinstance(content, TextContent):
        _required(content.body, "body")
        return {
            **base,
            "type": "text",
            "text": {"body": content.body, "preview_url": content.preview_url},
        }
    if isinstance(content, MediaContent):
        _required(content.url, "url")
        media: dict[str, Any] = {"link": content.url}
        if content.caption and content.media_type != "audio":  # audio takes no caption
            media["caption"] = content.caption
        if content.filename and content.media_type == "document":
            media["filename"] = content.filename
        return {**base, "type": content.media_type, content.media_type: media}
    if isinstance(content, ButtonsContent):
        _required(content.body, "body")
        if not content.buttons:
            raise UnsendableContent("message.buttons: at least one button is required")
        interactive: dict[str, Any] = {
            "type": "button",
            "body": {"text": content.body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": b.id, "title": b.title}}
                    for b in content.buttons
                ]
            },
        }
        if content.footer:
            interactive["footer"] = {"text": content.footer}
        return {**base, "type": "interactive", "interactive": interactive}
    if isinstance(content, ListContent):
        return {**base, "type": "interactive", "interactive": _list(content)}
    return {**base, "type": "template", "template": _template(content)}


def _list(content: ListContent) -> dict[str, Any]:
    _required(content.body, "body")
    _required(content.button, "button")
    if not any(section.rows for section in content.sections):
        raise UnsendableContent("message.sections: a list needs at least one row")
    interactive: dict[str, Any] = {
        "type": "list",
        "body": {"text": content.body},
        "action": {
            "button": content.button,
            "sections": [
                {
                    **({"title": section.title} if section.title else {}),
                    "rows": [
                        {
                            "id": row.id,
                            "title": row.title,
                            **({"description": row.description} if row.description else {}),
                        }
                        for row in section.rows
                    ],
                }
                for section in content.sections
                if section.rows
            ],
        },
    }
    if content.header:
        interactive["header"] = {"type": "text", "text": content.header}
    if content.footer:
        interactive["footer"] = {"text": content.footer}
    return interactive


def _template(content: TemplateContent) -> dict[str, Any]:
    _required(content.name, "name")
    template: dict[str, Any] = {"name": content.name, "language": {"code": content.language}}
    if content.body_parameters:
        template["components"] = [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": p} for p in content.body_parameters],
            }
        ]
    return template


def _required(value: str, field: str) -> None:
    if not value.strip():
        raise UnsendableContent(f"message.{field}: must not be empty")
