"""Access tokens (short-lived JWTs), and the opaque secrets stored only as their SHA-256.

An access token names a user and the session it belongs to; the gateway also checks that session
is not revoked, so logging out refuses the session's tokens at once. Refresh tokens, invitation
tokens and API keys are random strings, never JWTs: they are looked up, so they can be revoked,
and a database leak reveals only their hashes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt

ALGORITHM = "HS256"
ISSUER = "parley"
ACCESS_TYPE = "access"
_CLAIMS = ["sub", "sid", "iat", "exp", "jti", "typ", "iss"]

RejectionReason = Literal["expired", "malformed", "bad_signature", "wrong_type"]


class TokenRejected(Exception):
    def __init__(self, reason: RejectionReason) -> None:
        super().__init__(reason)
        self.reason: RejectionReason = reason


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    session_id: str
    issued_at: datetime
    expires_at: datetime
    token_id: str


def issue_access(user_id: str, session_id: str, now: datetime, ttl: timedelta, key: str) -> str:
    claims: dict[str, Any] = {
        "sub": user_id,
        "sid": session_id,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": secrets.token_urlsafe(12),
        "typ": ACCESS_TYPE,
        "iss": ISSUER,
    }
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def decode_access(token: str, key: str, now: datetime) -> AccessClaims:
    """The claims of a valid access token; `TokenRejected` says why one is not.

    Expiry is checked against `now` (the caller's clock) rather than PyJWT's own, to the second
    and without leeway.
    """
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": _CLAIMS, "verify_exp": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        raise TokenRejected("bad_signature") from None
    except jwt.InvalidTokenError:
        raise TokenRejected("malformed") from None
    if claims["typ"] != ACCESS_TYPE:
        raise TokenRejected("wrong_type")
    fields = (claims["sub"], claims["sid"], claims["jti"])
    if not all(isinstance(f, str) for f in fields) or not all(
        isinstance(claims[c], int) for c in ("iat", "exp")
    ):
        raise TokenRejected("malformed")
    expires_at = datetime.fromtimestamp(claims["exp"], UTC)
    if now >= expires_at:
        raise TokenRejected("expired")
    return AccessClaims(
        user_id=claims["sub"],
        session_id=claims["sid"],
        issued_at=datetime.fromtimestamp(claims["iat"], UTC),
        expires_at=expires_at,
        token_id=claims["jti"],
    )


def hash_secret(secret: str) -> str:
    """The stored form of a refresh token, invitation token or API key: its SHA-256, in hex.
    (They carry 190+ random bits, so a fast hash is enough; passwords are another matter.)"""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_refresh_token() -> str:
    """`rt_` and 43 URL-safe characters (32 random bytes)."""
    return "rt_" + secrets.token_urlsafe(32)


def new_invitation_token() -> str:
    """`inv_` and 43 URL-safe characters (32 random bytes)."""
    return "inv_" + secrets.token_urlsafe(32)


_KEY_ID_ALPHABET = string.ascii_lowercase + string.digits
_API_KEY = re.compile(r"^pk_([a-z0-9]{12})_([A-Za-z0-9_\-]{32})$")


@dataclass(frozen=True)
class NewApiKey:
    key_id: str
    key: str  # shown once, to its creator
    key_hash: str


def new_api_key() -> NewApiKey:
    """`pk_<key id: 12 of [a-z0-9]>_<secret: 32 URL-safe characters>`; the id has no `_`, so the
    key splits unambiguously, and it is the key's primary key: lookups go by id, then compare
    the hash of the whole key."""
    key_id = "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(12))
    key = f"pk_{key_id}_{secrets.token_urlsafe(24)}"
    return NewApiKey(key_id=key_id, key=key, key_hash=hash_secret(key))


def api_key_id(key: str) -> str | None:
    """The key id of something shaped like an API key, else None."""
    match = _API_KEY.match(key)
    return match.group(1) if match else None


def same_hash(a: str, b: str) -> bool:
    return secrets.compare_digest(a, b)
