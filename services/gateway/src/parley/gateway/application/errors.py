"""The one error the identity use cases raise, with a stable code the gateway maps to HTTP."""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    "EMAIL_TAKEN",
    "INVALID_CREDENTIALS",
    "WEAK_PASSWORD",
    "TOKEN_REJECTED",
    "REFRESH_REUSED",
    "NOT_FOUND",
    "FORBIDDEN",
    "INVITATION_EXPIRED",
    "INVITATION_USED",
    "LAST_OWNER",
    "ALREADY_MEMBER",
    "ROLE_NOT_GRANTABLE",
    "INVALID_REQUEST",
]


class IdentityError(Exception):
    """`code` is stable; `message` is for a person; `field` names the input at fault;
    `reason` refines the code for machines (why a token was rejected, which permission or role
    could not be granted)."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        field: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code: ErrorCode = code
        self.message = message
        self.field = field
        self.reason = reason
