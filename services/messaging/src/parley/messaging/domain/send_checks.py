"""Why a send must not go out, decided before any provider call. Pure.

Each refusal says what happened and what the user can do, because it reaches them as the
reason of a MessageFailed in the console and the campaign report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from parley.messaging.domain.outbound import UnsendableContent, cloud_body, is_template
from parley.messaging.domain.window import window_open


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: str
    remedy: str = ""
    retryable: bool = False


@dataclass(frozen=True)
class SendTarget:
    """Everything known about where a send goes, gathered by the pipeline."""

    channel_found: bool
    channel_status: str  # active / paused / disconnected ("" when not found)
    to: str  # WhatsApp id, phone or business-scoped user id; "" when unknown
    opted_out: bool
    last_inbound_at: datetime | None


def refusal(target: SendTarget, message: dict[str, Any], now: datetime) -> Refusal | None:
    """The first reason this message cannot go, or None. A paused number is not a refusal: the
    send waits for the number to be resumed."""
    if not target.channel_found:
        return Refusal(
            "NO_CHANNEL",
            "the workspace has no WhatsApp number to send from",
            "Connect a WhatsApp number (or create the sandbox) in Settings → Numbers.",
        )
    if target.channel_status == "disconnected":
        return Refusal(
            "CHANNEL_DISCONNECTED",
            "the number this contact talks to was disconnected",
            "Reconnect the number, or send from another one.",
        )
    if not target.to:
        return Refusal(
            "NO_RECIPIENT",
            "the contact has no WhatsApp number or id",
            "Add the contact's phone number in the CRM.",
        )
    if target.opted_out:
        return Refusal(
            "OPTED_OUT",
            "the contact opted out of messages from this business",
            "Nothing to send until the contact opts in again.",
        )
    try:
        cloud_body(message, target.to)
    except UnsendableContent as err:
        return Refusal("INVALID_CONTENT", str(err), "Fix the message in the flow or campaign.")
    if not is_template(message) and not window_open(target.last_inbound_at, now):
        return Refusal(
            "WINDOW_CLOSED",
            "more than 24 hours since the contact last wrote: only a template may be sent",
            "Use an approved template to restart the conversation.",
        )
    return None


def business_initiated(target: SendTarget, message: dict[str, Any], now: datetime) -> bool:
    """A template outside the customer service window: it counts toward the messaging tier."""
    return is_template(message) and not window_open(target.last_inbound_at, now)
