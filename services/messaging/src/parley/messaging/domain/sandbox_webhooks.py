"""Webhook bodies shaped exactly like Meta's (platform-facts §A4), for the sandbox number.

The sandbox feeds its customers' messages and its delivery statuses through the same ingress
path as a real number, so everything after ingress is exercised the same way. Pure.
"""

from __future__ import annotations

from typing import Any, Literal

SandboxKind = Literal["text", "button", "list"]


def _envelope(
    channel_phone_id: str, display: str, waba_id: str, value: dict[str, Any]
) -> dict[str, Any]:
    metadata = {"display_phone_number": display, "phone_number_id": channel_phone_id}
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": waba_id,
                "changes": [
                    {
                        "field": "messages",
                        "value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
                    }
                ],
            }
        ],
    }


def inbound_body(
    *,
    phone_number_id: str,
    display_phone_number: str,
    waba_id: str,
    wa_id: str,
    profile_name: str,
    message_id: str,
    timestamp: int,
    kind: SandboxKind,
    text: str,
    reply_id: str = "",
) -> dict[str, Any]:
    message: dict[str, Any] = {"from": wa_id, "id": message_id, "timestamp": str(timestamp)}
    if kind == "text":
        message |= {"type": "text", "text": {"body": text}}
    elif kind == "button":
        reply = {"type": "button_reply", "button_reply": {"id": reply_id, "title": text}}
        message |= {"type": "interactive", "interactive": reply}
    else:
        reply = {"type": "list_reply", "list_reply": {"id": reply_id, "title": text}}
        message |= {"type": "interactive", "interactive": reply}
    value = {
        "contacts": [{"profile": {"name": profile_name}, "wa_id": wa_id}],
        "messages": [message],
    }
    return _envelope(phone_number_id, display_phone_number, waba_id, value)


def status_body(
    *,
    phone_number_id: str,
    display_phone_number: str,
    waba_id: str,
    message_id: str,
    recipient: str,
    status: Literal["sent", "delivered", "read"],
    timestamp: int,
) -> dict[str, Any]:
    value = {
        "statuses": [
            {
                "id": message_id,
                "status": status,
                "timestamp": str(timestamp),
                "recipient_id": recipient,
            }
        ]
    }
    return _envelope(phone_number_id, display_phone_number, waba_id, value)
