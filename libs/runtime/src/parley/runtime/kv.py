"""Compare-and-set updates on JetStream KV: shared mutable state for every replica."""

from __future__ import annotations

from collections.abc import Callable

from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from parley.runtime.errors import TooMuchContention


async def cas_update(
    kv: KeyValue,
    key: str,
    change: Callable[[bytes | None], bytes],
    *,
    max_attempts: int = 50,
) -> tuple[bytes, int]:
    """Apply `change` to the key's current value (None if absent) atomically.

    `change` must be pure: on a lost race it runs again on the newer value. Returns the stored
    value and its revision.
    """
    for _ in range(max_attempts):
        try:
            entry = await kv.get(key)
            current, revision = entry.value, entry.revision
        except KeyNotFoundError:
            current, revision = None, None
        new = change(current)
        try:
            if revision is None:
                stored_revision = await kv.create(key, new)
            else:
                stored_revision = await kv.update(key, new, last=revision)
        except KeyWrongLastSequenceError:
            continue
        return new, stored_revision
    raise TooMuchContention(f"key {key!r}: no update succeeded in {max_attempts} attempts")
