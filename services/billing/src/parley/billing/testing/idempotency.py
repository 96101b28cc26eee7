"""Stripe's idempotency layer: the first executed answer per key is the answer (§B2).

Saved per (API key, Idempotency-Key) with the request it answered, so a reuse with other
parameters is refused rather than replayed. Like Stripe, only requests whose execution began are
saved (successes and 500s raised while executing); validation errors and failures that happen
before execution are not, so a retry of those runs for real.
"""

from __future__ import annotations

from dataclasses import dataclass

from parley.billing.testing.stripe_objects import Json, StripeError


@dataclass(frozen=True)
class SavedResponse:
    method: str
    path: str
    params: Json
    status: int
    body: Json


class IdempotencyStore:
    def __init__(self) -> None:
        self._saved: dict[tuple[str, str], SavedResponse] = {}

    def replay(
        self, api_key: str, key: str, method: str, path: str, params: Json
    ) -> SavedResponse | None:
        """The saved answer for this key, None if new; refuses a reuse with other params."""
        saved = self._saved.get((api_key, key))
        if saved is None:
            return None
        if (saved.method, saved.path, saved.params) != (method, path, params):
            raise StripeError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.",
                type="idempotency_error",
            )
        return saved

    def save(self, api_key: str, key: str, response: SavedResponse) -> None:
        self._saved.setdefault((api_key, key), response)
