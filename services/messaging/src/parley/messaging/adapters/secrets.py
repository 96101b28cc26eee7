"""Encryption at rest for provider secrets (access tokens, app secrets, verify tokens).

Fernet (AES-128-CBC + HMAC-SHA256, from the `cryptography` library) under a key derived from the
service's `SECRET_KEY`: a stolen KV snapshot or backup reveals no token without that key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class SecretUnreadable(Exception):
    """A sealed secret cannot be opened: the SECRET_KEY changed since it was stored."""


class SecretBox:
    def __init__(self, secret_key: str) -> None:
        # A fixed label keeps this key apart from anything else derived from SECRET_KEY.
        digest = hashlib.sha256(b"parley.messaging.channel-secrets:" + secret_key.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(digest))
        self._index_key = hashlib.sha256(
            b"parley.messaging.secret-fingerprints:" + secret_key.encode()
        ).digest()

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def fingerprint(self, plain: str) -> str:
        """A keyed digest of a secret, to find a record by it (a KV index key): unlike a plain
        hash, a stolen snapshot gives nothing to test guessed verify tokens against."""
        return hmac.new(self._index_key, plain.encode(), hashlib.sha256).hexdigest()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as err:
            raise SecretUnreadable("a channel secret cannot be decrypted with SECRET_KEY") from err
