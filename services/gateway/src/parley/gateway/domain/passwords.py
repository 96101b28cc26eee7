"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8
MAX_LENGTH = 128


class Passwords:
    """argon2id through argon2-cffi. Production uses the library's defaults; tests pass a cheap
    `PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)`."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    def burn(self, password: str) -> None:
        """Verify against a throwaway hash, so an unknown e-mail costs as long as a wrong
        password and the timing tells nobody which accounts exist."""
        if self._dummy is None:
            self._dummy = self._hasher.hash("parley-no-such-account")
        self.verify(self._dummy, password)


def password_problem(password: str, email: str) -> str | None:
    """Why `password` is not acceptable for the account `email`, in words; None when it is."""
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters long"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters long"
    if len(set(password)) == 1:
        return "must not repeat a single character"
    if password.strip().casefold() == email.strip().casefold():
        return "must not be your e-mail address"
    return None
