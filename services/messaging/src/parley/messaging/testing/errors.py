"""Meta's error bodies, word for word where platform-facts §A2 gives the words.

Clients must classify by `error.code` (and read `error_data.details`), never by HTTP status or
title, so the fake keeps the body exact and lets a test choose the status.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

ERROR_HREF = "/documentation/business-messaging/whatsapp/support/error-codes"


@dataclass(frozen=True)
class CatalogEntry:
    """Title and `details` Meta sends for one code."""

    title: str
    details: str


CATALOG: dict[int, CatalogEntry] = {
    4: CatalogEntry("API Too Many Calls", "The app has reached its API call rate limit."),
    100: CatalogEntry("Invalid parameter", "Invalid parameter."),
    190: CatalogEntry("Access token has expired", "Your access token has expired."),
    368: CatalogEntry(
        "Temporarily blocked for policies violations",
        "The WhatsApp Business Account associated with the app has been restricted or disabled "
        "for violating a platform policy.",
    ),
    80007: CatalogEntry(
        "Rate limit issues", "The WhatsApp Business Account has reached its rate limit."
    ),
    130429: CatalogEntry("Rate limit hit", "Cloud API message throughput has been reached."),
    131008: CatalogEntry("Required parameter is missing", "A required parameter is missing."),
    131009: CatalogEntry("Parameter value is not valid", "A parameter value is not valid."),
    131026: CatalogEntry(
        "Message undeliverable",
        "Unable to deliver message. Reasons can include: the recipient phone number is not a "
        "WhatsApp phone number; the recipient has not accepted the new Terms of Service; the "
        "recipient is using an old WhatsApp version.",
    ),
    131031: CatalogEntry(
        "Account has been locked",
        "The WhatsApp Business Account is locked: a policy violation, or data in the request "
        "could not be verified.",
    ),
    131047: CatalogEntry(
        "Re-engagement message",
        "More than 24 hours have passed since the recipient last replied to the sender number.",
    ),
    131048: CatalogEntry(
        "Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be sent "
        "from this phone number. This may be because too many previous messages were blocked or "
        "flagged as spam.",
    ),
    131049: CatalogEntry(
        "This message was not delivered to maintain healthy ecosystem engagement.",
        "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
    ),
    131050: CatalogEntry(
        "Unable to deliver the message. This recipient has chosen to stop receiving marketing "
        "messages on WhatsApp from your business.",
        "The recipient has stopped marketing messages from your business.",
    ),
    131051: CatalogEntry("Unsupported message type", "Message type is not currently supported."),
    131056: CatalogEntry(
        "(Business Account, Consumer Account) pair rate limit hit",
        "Too many messages sent from the sender phone number to the same recipient phone number "
        "in a short period of time.",
    ),
    132000: CatalogEntry(
        "Number of parameters does not match the expected number of params",
        "The number of variable parameter values does not match the number of variables "
        "defined in the template.",
    ),
    132001: CatalogEntry(
        "Template does not exist",
        "The template does not exist in the specified language or has not been approved.",
    ),
    132015: CatalogEntry("Template is Paused", "Template is paused due to low quality."),
    132016: CatalogEntry(
        "Template is Disabled",
        "Template has been paused too many times due to low quality and is now permanently "
        "disabled.",
    ),
}


def entry_for(code: int) -> CatalogEntry:
    """Known codes get Meta's words; unknown ones still get a well-formed body."""
    return CATALOG.get(code, CatalogEntry(f"Error {code}", f"Error {code}."))


def error_body(code: int, details: str | None = None) -> dict[str, Any]:
    """The synchronous Graph error body: `message` is `(#<code>) <title>`."""
    entry = entry_for(code)
    return {
        "error": {
            "message": f"(#{code}) {entry.title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": details if details is not None else entry.details,
            },
            "fbtrace_id": secrets.token_urlsafe(16),
        }
    }


def webhook_error(code: int, details: str | None = None) -> dict[str, Any]:
    """The asynchronous shape used in `statuses[].errors[]` and `value.errors[]`."""
    entry = entry_for(code)
    return {
        "code": code,
        "title": entry.title,
        "message": entry.title,
        "error_data": {"details": details if details is not None else entry.details},
        "href": ERROR_HREF,
    }
