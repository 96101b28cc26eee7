"""What to do about each Cloud API error code (platform-facts §A2): retry when, fail, or stop
the number. Pure; the send pipeline turns a `Handling` into a delay, a MessageFailed or a
NumberPaused.

Unknown codes get a small retry budget, like Meta's own advice for 131000: a code we have never
seen is more likely transient than a reason to drop the message on the first try.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Action = Literal["retry", "fail", "pause_number"]


@dataclass(frozen=True)
class Handling:
    action: Action
    reason: str
    remedy: str = ""  # what the user can do about it
    first_delay: float = 0.0  # seconds before the first retry
    factor: float = 2.0  # each later retry waits this many times longer
    max_delay: float = 300.0
    attempts: int = 5  # retries in all before the message fails
    contact_undeliverable: bool = False  # the number cannot receive WhatsApp messages

    def delay(self, retry: int) -> float:
        """The wait before retry number `retry` (1-based), before jitter."""
        return min(self.max_delay, self.first_delay * self.factor ** (retry - 1))


def _retry(reason: str, first: float, *, factor: float = 2.0, attempts: int = 5) -> Handling:
    return Handling(
        "retry",
        reason,
        first_delay=first,
        factor=factor,
        attempts=attempts,
        max_delay=max(300.0, first),  # a documented long wait is never cut short by the cap
    )


def _fail(reason: str, remedy: str, *, undeliverable: bool = False) -> Handling:
    return Handling("fail", reason, remedy, contact_undeliverable=undeliverable)


def _pause(reason: str, remedy: str) -> Handling:
    return Handling("pause_number", reason, remedy)


_FIX_PAYLOAD = "Fix the message content in the flow or campaign and send it again."
_FIX_TEMPLATE = "Check the template in WhatsApp Manager (name, language, parameters, status)."

TABLE: dict[int, Handling] = {
    # Throttling: wait and retry.
    4: _retry("the app reached its API call rate limit", 30.0),
    80007: _retry("the WhatsApp Business account reached its rate limit", 30.0),
    130429: _retry("the number's throughput limit was reached", 1.0),
    131056: _retry("too many messages to this recipient in a short time", 1.0, factor=4.0),
    131057: _retry("the business account is in maintenance", 60.0, factor=1.0),
    131064: _retry("messaging limit reached for template classification violations", 3600.0),
    # 131049 is Meta's per-user marketing limit: "wait at least 24 hours before resending".
    131049: _retry(
        "not delivered to maintain healthy ecosystem engagement", 86_400.0, factor=1.0, attempts=1
    ),
    131000: _retry("unknown error at WhatsApp", 2.0, attempts=3),
    131016: _retry("WhatsApp is temporarily unavailable", 5.0),
    133004: _retry("WhatsApp's server is temporarily unavailable", 5.0),
    1: _retry("invalid request or possible server error", 2.0, attempts=2),
    2: _retry("temporary downtime or overload at WhatsApp", 5.0),
    # Quality and integrity: stop the number and tell a person.
    131048: _pause(
        "spam rate limit: too many messages from this number were blocked or flagged",
        "Pause campaigns, review the number's quality in WhatsApp Manager, then resume.",
    ),
    368: _pause(
        "the WhatsApp Business account is restricted for a policy violation",
        "Read the notice in WhatsApp Manager; sending resumes only after Meta lifts it.",
    ),
    131031: _pause(
        "the business account is locked",
        "Check the account's health in WhatsApp Manager (and the two-step PIN).",
    ),
    131042: _pause(
        "payment method problem on the business account",
        "Fix the payment method in Meta Business settings.",
    ),
    # Authorization: a token or permission problem; retrying cannot help.
    0: _pause("the app user could not be authenticated", "Reconnect the number."),
    190: _pause("the access token has expired", "Reconnect the number with a new token."),
    3: _pause("capability or permission missing", "Grant the app the WhatsApp permissions."),
    10: _pause("permission not granted or removed", "Grant the app the WhatsApp permissions."),
    # The recipient or the message: fail this message, keep sending others.
    131026: _fail(
        "the recipient cannot receive this message (not on WhatsApp, or an old app)",
        "Check the phone number; the contact is marked undeliverable.",
        undeliverable=True,
    ),
    131047: _fail(
        "more than 24 hours since the recipient last replied",
        "Send an approved template instead of a free-form message.",
    ),
    131050: _fail(
        "the recipient stopped marketing messages from this business",
        "Respect the opt-out; the contact can opt in again by writing to you.",
    ),
    130403: _fail("this business has blocked the user", "Unblock the user to write to them."),
    130472: _fail("held back by a marketing message experiment", "Nothing to do."),
    130497: _fail(
        "the business cannot message users in this country", "Nothing to do for this contact."
    ),
    131030: _fail(
        "the recipient is not in the test number's allowed list",
        "Add the recipient in the app dashboard, or use a production number.",
    ),
    131021: _fail("sender and recipient are the same number", "Use another recipient."),
    131051: _fail("unsupported message type", _FIX_PAYLOAD),
    131053: _fail("the media could not be uploaded (type or size)", "Use a supported file."),
    131045: _fail("the phone number is not registered correctly", "Register the number."),
    133010: _fail("the phone number is not registered", "Register the number first."),
    131037: _fail("the number has no approved display name", "Get the display name approved."),
    131063: _fail("marketing templates are disabled for this account", _FIX_TEMPLATE),
    100: _fail("invalid or missing parameter", _FIX_PAYLOAD),
    131008: _fail("a required parameter is missing", _FIX_PAYLOAD),
    131009: _fail("a parameter value is invalid", _FIX_PAYLOAD),
    135000: _fail("unknown parameter error", _FIX_PAYLOAD),
    33: _fail("the business phone number was deleted", "Connect another number."),
    132000: _fail("the template's parameter count does not match", _FIX_TEMPLATE),
    132001: _fail("the template does not exist in this language or is not approved", _FIX_TEMPLATE),
    132005: _fail("the translated template text is too long", _FIX_TEMPLATE),
    132007: _fail("the template content violates policy", _FIX_TEMPLATE),
    132012: _fail("a template parameter has the wrong format", _FIX_TEMPLATE),
    132015: _fail("the template is paused for low quality", _FIX_TEMPLATE),
    132016: _fail("the template is disabled for good", "Create a new template."),
    132068: _fail("the flow is blocked", _FIX_TEMPLATE),
    132069: _fail("the flow is throttled (10 sends in the last hour)", "Try again in an hour."),
}


def handling(code: int) -> Handling:
    known = TABLE.get(code)
    if known is not None:
        return known
    if 200 <= code <= 299:
        return _pause("an API permission is missing", "Grant the app the WhatsApp permissions.")
    return _retry(f"unrecognised WhatsApp error {code}", 2.0, attempts=3)
