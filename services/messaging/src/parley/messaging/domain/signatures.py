"""Webhook authenticity: Meta signs each POST with HMAC-SHA256 of the raw body and the app secret.

The HMAC is over the exact bytes received: a body parsed and re-serialised would not match, so
the gateway must hand us the raw bytes, and the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` value Meta would send for `body`."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, header: str | None, app_secret: str) -> bool:
    """True only for a well-formed header whose digest matches; missing or empty secrets fail."""
    if not header or not app_secret or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(body, app_secret), header.strip())


def challenge_answer(params: dict[str, str], verify_token: str) -> str | None:
    """The body to answer Meta's subscription handshake with, or None to refuse it (403)."""
    if params.get("hub.mode") != "subscribe" or not verify_token:
        return None
    offered = params.get("hub.verify_token", "")
    if not hmac.compare_digest(offered.encode(), verify_token.encode()):
        return None
    return params.get("hub.challenge", "")
